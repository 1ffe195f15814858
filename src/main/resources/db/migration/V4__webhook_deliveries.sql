-- Signed webhooks (issue 14): an outbox of events about ended media jobs. A row is written in the transaction that
-- records the job's end and stays until it is delivered (or given up after max-attempts), so a crash neither loses
-- nor duplicates an event. Portable between H2 and PostgreSQL.

create table webhook_deliveries (
    id              varchar(36)  primary key,   -- also the Webhook-Id header and the body's "id"
    image_id        varchar(36)  not null,      -- no foreign key: erasure deletes these rows itself
    event           varchar(40)  not null,      -- image.published | image.rejected
    body            text         not null,      -- the exact JSON sent (and signed) on every try
    attempts        integer      not null default 0,
    next_attempt_at timestamp with time zone,   -- null once delivered or given up
    delivered_at    timestamp with time zone,
    last_status     integer,                    -- HTTP status of the last try, null if none came back
    last_error      varchar(200),               -- exception class of the last try (never its message or the URL)
    lease_until     timestamp with time zone,   -- a replica sending it holds it until then
    created_at      timestamp with time zone not null
);

create index webhook_deliveries_due on webhook_deliveries (next_attempt_at);
create index webhook_deliveries_by_image on webhook_deliveries (image_id);
