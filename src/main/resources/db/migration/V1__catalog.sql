-- The catalog: one row per uploaded image, one per user setting.
-- Portable between H2 (embedded default) and PostgreSQL (production).

create table images (
    id                    varchar(36)  primary key,
    user_id               varchar(128) not null,
    idempotency_key       varchar(200),
    -- received -> stored -> published; deleting while being erased. See docs/architecture.md.
    state                 varchar(16)  not null,
    dnt_me                boolean      not null,
    flag_source           varchar(16)  not null,
    original_key          varchar(200) not null,
    original_sha256       char(64)     not null,
    original_content_type varchar(64)  not null,
    original_size         bigint       not null,
    public_key            varchar(200) not null,
    content_type          varchar(64)  not null,
    width                 integer      not null,
    height                integer      not null,
    faces                 integer      not null default 0,
    receipt               text,
    cloak_model_version   varchar(100),
    created_at            timestamp with time zone not null,
    updated_at            timestamp with time zone not null,
    constraint images_idempotency unique (user_id, idempotency_key)
);

create index images_by_user on images (user_id, created_at);
create index images_by_state on images (state, updated_at);

create table user_settings (
    user_id    varchar(128) primary key,
    dnt_me     boolean      not null,
    updated_at timestamp with time zone not null
);
