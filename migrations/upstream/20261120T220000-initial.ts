// The upstream base: SRPM, Copr and Koji builds, test runs, and the links from
// pipeline steps (shared base) to the one group each runs.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "upstream"."srpm_builds" ("id" bigserial primary key, "target" text not null, "attempt" int not null default 1, "status" text not null default 'pending', "reason" text null, "external_id" text null, "idempotency_key" text null, "web_url" text null, "log_url" text null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "deadline_at" timestamptz null, "data" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    create table "upstream"."koji_builds" ("id" bigserial primary key, "srpm_build_id" bigint null, "scratch" boolean not null default false, "created_at" timestamptz not null default now());
    create table "upstream"."koji_build_targets" ("id" bigserial primary key, "koji_build_id" bigint not null, "target" text not null, "attempt" int not null default 1, "status" text not null default 'pending', "reason" text null, "external_id" text null, "idempotency_key" text null, "web_url" text null, "log_url" text null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "deadline_at" timestamptz null, "data" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    create table "upstream"."copr_builds" ("id" bigserial primary key, "srpm_build_id" bigint null, "owner" text null, "project_name" text null, "created_at" timestamptz not null default now());
    create table "upstream"."copr_build_targets" ("id" bigserial primary key, "copr_build_id" bigint not null, "target" text not null, "attempt" int not null default 1, "status" text not null default 'pending', "reason" text null, "external_id" text null, "idempotency_key" text null, "web_url" text null, "log_url" text null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "deadline_at" timestamptz null, "data" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    create table "upstream"."pipeline_step_copr_builds" ("step_id" bigint not null, "copr_build_id" bigint not null, constraint "pipeline_step_copr_builds_pkey" primary key ("step_id"));
    create table "upstream"."pipeline_step_copr_build_targets" ("step_id" bigint not null, "copr_build_target_id" bigint not null, constraint "pipeline_step_copr_build_targets_pkey" primary key ("step_id", "copr_build_target_id"));
    create table "upstream"."pipeline_step_koji_builds" ("step_id" bigint not null, "koji_build_id" bigint not null, constraint "pipeline_step_koji_builds_pkey" primary key ("step_id"));
    create table "upstream"."pipeline_step_koji_build_targets" ("step_id" bigint not null, "koji_build_target_id" bigint not null, constraint "pipeline_step_koji_build_targets_pkey" primary key ("step_id", "koji_build_target_id"));
    create table "upstream"."pipeline_step_srpm_builds" ("step_id" bigint not null, "srpm_build_id" bigint not null, constraint "pipeline_step_srpm_builds_pkey" primary key ("step_id"));
    create table "upstream"."test_runs" ("id" bigserial primary key, "copr_build_id" bigint null, "created_at" timestamptz not null default now());
    create table "upstream"."pipeline_step_test_runs" ("step_id" bigint not null, "test_run_id" bigint not null, constraint "pipeline_step_test_runs_pkey" primary key ("step_id"));
    create table "upstream"."test_run_targets" ("id" bigserial primary key, "test_run_id" bigint not null, "copr_build_target_id" bigint null, "notification_token_hash" text null, "target" text not null, "attempt" int not null default 1, "status" text not null default 'pending', "reason" text null, "external_id" text null, "idempotency_key" text null, "web_url" text null, "log_url" text null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "deadline_at" timestamptz null, "data" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    create table "upstream"."pipeline_step_test_run_targets" ("step_id" bigint not null, "test_run_target_id" bigint not null, constraint "pipeline_step_test_run_targets_pkey" primary key ("step_id", "test_run_target_id"));
    alter table "upstream"."srpm_builds" add constraint "srpm_builds_idempotency_key_unique" unique ("idempotency_key");
    create index "srpm_builds_external_id_index" on "upstream"."srpm_builds" ("external_id");
    create index "srpm_builds_deadline_index" on "upstream"."srpm_builds" ("deadline_at");
    alter table "upstream"."koji_build_targets" add constraint "koji_build_targets_idempotency_key_unique" unique ("idempotency_key");
    create index "koji_build_targets_group_index" on "upstream"."koji_build_targets" ("koji_build_id", "target");
    create index "koji_build_targets_external_id_index" on "upstream"."koji_build_targets" ("external_id");
    create index "koji_build_targets_deadline_index" on "upstream"."koji_build_targets" ("deadline_at");
    alter table "upstream"."copr_build_targets" add constraint "copr_build_targets_idempotency_key_unique" unique ("idempotency_key");
    create index "copr_build_targets_group_index" on "upstream"."copr_build_targets" ("copr_build_id", "target");
    create index "copr_build_targets_external_id_index" on "upstream"."copr_build_targets" ("external_id");
    create index "copr_build_targets_deadline_index" on "upstream"."copr_build_targets" ("deadline_at");
    create index "pipeline_step_copr_builds_item_index" on "upstream"."pipeline_step_copr_builds" ("copr_build_id");
    create index "pipeline_step_copr_build_targets_item_index" on "upstream"."pipeline_step_copr_build_targets" ("copr_build_target_id");
    create index "pipeline_step_koji_builds_item_index" on "upstream"."pipeline_step_koji_builds" ("koji_build_id");
    create index "pipeline_step_koji_build_targets_item_index" on "upstream"."pipeline_step_koji_build_targets" ("koji_build_target_id");
    create index "pipeline_step_srpm_builds_item_index" on "upstream"."pipeline_step_srpm_builds" ("srpm_build_id");
    create index "pipeline_step_test_runs_item_index" on "upstream"."pipeline_step_test_runs" ("test_run_id");
    alter table "upstream"."test_run_targets" add constraint "test_run_targets_idempotency_key_unique" unique ("idempotency_key");
    create index "test_run_targets_group_index" on "upstream"."test_run_targets" ("test_run_id", "target");
    create index "test_run_targets_external_id_index" on "upstream"."test_run_targets" ("external_id");
    create index "test_run_targets_deadline_index" on "upstream"."test_run_targets" ("deadline_at");
    create index "pipeline_step_test_run_targets_item_index" on "upstream"."pipeline_step_test_run_targets" ("test_run_target_id");
    alter table "upstream"."koji_builds" add constraint "koji_builds_srpm_build_id_foreign" foreign key ("srpm_build_id") references "upstream"."srpm_builds" ("id") on update cascade on delete set null;
    alter table "upstream"."koji_build_targets" add constraint "koji_build_targets_koji_build_id_foreign" foreign key ("koji_build_id") references "upstream"."koji_builds" ("id") on update cascade on delete cascade;
    alter table "upstream"."copr_builds" add constraint "copr_builds_srpm_build_id_foreign" foreign key ("srpm_build_id") references "upstream"."srpm_builds" ("id") on update cascade on delete set null;
    alter table "upstream"."copr_build_targets" add constraint "copr_build_targets_copr_build_id_foreign" foreign key ("copr_build_id") references "upstream"."copr_builds" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_copr_builds" add constraint "pipeline_step_copr_builds_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_copr_builds" add constraint "pipeline_step_copr_builds_copr_build_id_foreign" foreign key ("copr_build_id") references "upstream"."copr_builds" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_copr_build_targets" add constraint "pipeline_step_copr_build_targets_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_copr_build_targets" add constraint "pipeline_step_copr_build_targets_copr_build_target_id_foreign" foreign key ("copr_build_target_id") references "upstream"."copr_build_targets" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_koji_builds" add constraint "pipeline_step_koji_builds_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_koji_builds" add constraint "pipeline_step_koji_builds_koji_build_id_foreign" foreign key ("koji_build_id") references "upstream"."koji_builds" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_koji_build_targets" add constraint "pipeline_step_koji_build_targets_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_koji_build_targets" add constraint "pipeline_step_koji_build_targets_koji_build_target_id_foreign" foreign key ("koji_build_target_id") references "upstream"."koji_build_targets" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_srpm_builds" add constraint "pipeline_step_srpm_builds_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_srpm_builds" add constraint "pipeline_step_srpm_builds_srpm_build_id_foreign" foreign key ("srpm_build_id") references "upstream"."srpm_builds" ("id") on update cascade on delete cascade;
    alter table "upstream"."test_runs" add constraint "test_runs_copr_build_id_foreign" foreign key ("copr_build_id") references "upstream"."copr_builds" ("id") on update cascade on delete set null;
    alter table "upstream"."pipeline_step_test_runs" add constraint "pipeline_step_test_runs_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_test_runs" add constraint "pipeline_step_test_runs_test_run_id_foreign" foreign key ("test_run_id") references "upstream"."test_runs" ("id") on update cascade on delete cascade;
    alter table "upstream"."test_run_targets" add constraint "test_run_targets_test_run_id_foreign" foreign key ("test_run_id") references "upstream"."test_runs" ("id") on update cascade on delete cascade;
    alter table "upstream"."test_run_targets" add constraint "test_run_targets_copr_build_target_id_foreign" foreign key ("copr_build_target_id") references "upstream"."copr_build_targets" ("id") on update cascade on delete set null;
    alter table "upstream"."pipeline_step_test_run_targets" add constraint "pipeline_step_test_run_targets_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_test_run_targets" add constraint "pipeline_step_test_run_targets_test_run_target_id_foreign" foreign key ("test_run_target_id") references "upstream"."test_run_targets" ("id") on update cascade on delete cascade;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "upstream"."pipeline_step_test_run_targets",
    "upstream"."test_run_targets",
    "upstream"."pipeline_step_test_runs",
    "upstream"."test_runs",
    "upstream"."pipeline_step_srpm_builds",
    "upstream"."pipeline_step_koji_build_targets",
    "upstream"."pipeline_step_koji_builds",
    "upstream"."pipeline_step_copr_build_targets",
    "upstream"."pipeline_step_copr_builds",
    "upstream"."copr_build_targets",
    "upstream"."copr_builds",
    "upstream"."koji_build_targets",
    "upstream"."koji_builds",
    "upstream"."srpm_builds"`);
}
