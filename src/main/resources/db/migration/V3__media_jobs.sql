-- Animations and videos (issue 14): the images table is also the queue of their background jobs.
-- Portable between H2 and PostgreSQL. Stills leave every column here null (or 0).

alter table images add column media_format varchar(8);          -- GIF | APNG | WEBP | MP4 | WEBM | MOV; null = still
alter table images add column frames_total integer;              -- frames the header declares
alter table images add column frames_done integer not null default 0;
alter table images add column duration_ms bigint;
alter table images add column strength varchar(8);               -- cloak strength asked for at upload
-- The job's lease: one worker (on one replica) at a time; a dead worker's job is taken when lease_until passes.
alter table images add column lease_owner varchar(100);
alter table images add column lease_until timestamp with time zone;
alter table images add column attempts integer not null default 0;
alter table images add column next_attempt_at timestamp with time zone;
-- Why a job was rejected (RFC 9457 type and detail), shown in the image JSON while the tombstone lasts.
alter table images add column failure_type varchar(100);
alter table images add column failure_detail varchar(1000);

-- Claiming: PROCESSING rows whose next attempt is due, oldest first.
create index images_media_jobs on images (state, next_attempt_at, created_at);
