-- Background re-publishing: a user's DNT-ME change applied to all their photos, and re-cloaking of
-- public copies made by an older cloak model. One row per job; the cursor makes it resumable.

create table republish_jobs (
    id                varchar(160) primary key,  -- 'user:<userId>' or 'recloak:<modelVersion>'
    kind              varchar(16)  not null,     -- USER_SETTING | RECLOAK
    user_id           varchar(128),
    target_dnt_me     boolean,
    model_version     varchar(100),
    state             varchar(16)  not null,     -- RUNNING | DONE
    total             integer      not null,
    done              integer      not null,
    withheld          integer      not null default 0,
    cursor_created_at timestamp with time zone,
    cursor_id         varchar(36),
    lease_until       timestamp with time zone,
    created_at        timestamp with time zone not null,
    updated_at        timestamp with time zone not null
);

create index republish_jobs_by_state on republish_jobs (state, lease_until);
create index images_by_model on images (dnt_me, cloak_model_version);
