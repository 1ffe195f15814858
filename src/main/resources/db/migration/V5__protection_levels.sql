-- Protection levels (issue 19). Portable between H2 and PostgreSQL (both take SET DATA TYPE).
-- A model set's version is a short digest now, but a platform's own readable names must fit too.
alter table images alter column cloak_model_version set data type varchar(200);
alter table republish_jobs alter column model_version set data type varchar(200);
alter table republish_jobs alter column id set data type varchar(220);
-- The level a user chose for their flagged uploads (LOW | MEDIUM | HIGH); null = the platform's default.
alter table user_settings add column protection_level varchar(8);
-- images.strength (V3) now holds every upload's level, stills too, so a re-publish uses it again.
