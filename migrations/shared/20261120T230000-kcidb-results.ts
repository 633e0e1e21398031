// The KCIDB v5.3 results store in the shared base: checkouts, builds, tests, issues,
// incidents, and the submissions waiting to be loaded into them.
// Written from the entity metadata (`pnpm packflow migrate diff`) and reviewed.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."kcidb_builds" ("id" text not null, "checkout_id" text not null, "origin" text not null, "comment" text null, "start_time" timestamptz null, "duration" double precision null, "architecture" text null, "command" text null, "compiler" text null, "input_files" jsonb null, "output_files" jsonb null, "config_name" text null, "config_url" text null, "log_url" text null, "log_excerpt" text null, "status" text null, "misc" jsonb null, "_timestamp" timestamptz not null default now(), constraint "kcidb_builds_pkey" primary key ("id"));
    create index "kcidb_builds_checkout_id_index" on "shared"."kcidb_builds" ("checkout_id");
    create table "shared"."kcidb_checkouts" ("id" text not null, "origin" text not null, "tree_name" text null, "git_repository_url" text null, "git_commit_hash" text null, "git_commit_name" text null, "git_commit_tags" text[] null, "git_commit_message" text null, "git_repository_branch" text null, "git_repository_branch_tip" boolean null, "patchset_files" jsonb null, "patchset_hash" text null, "message_id" text null, "comment" text null, "start_time" timestamptz null, "origin_builds_finish_time" timestamptz null, "origin_tests_finish_time" timestamptz null, "log_url" text null, "log_excerpt" text null, "valid" boolean null, "misc" jsonb null, "_timestamp" timestamptz not null default now(), constraint "kcidb_checkouts_pkey" primary key ("id"));
    create index "kcidb_checkouts_start_time_index" on "shared"."kcidb_checkouts" ("start_time");
    create index "kcidb_checkouts_origin_start_time_index" on "shared"."kcidb_checkouts" ("origin", "start_time");
    create index "kcidb_checkouts_revision_index" on "shared"."kcidb_checkouts" ("git_commit_hash", "patchset_hash");
    create index "kcidb_checkouts_git_commit_tags_index" on "shared"."kcidb_checkouts" using gin ("git_commit_tags");
    create table "shared"."kcidb_incidents" ("id" text not null, "origin" text not null, "issue_id" text not null, "issue_version" bigint not null, "build_id" text null, "test_id" text null, "present" boolean null, "comment" text null, "misc" jsonb null, "_timestamp" timestamptz not null default now(), constraint "kcidb_incidents_pkey" primary key ("id"));
    create table "shared"."kcidb_issues" ("id" text not null, "version" bigint not null, "origin" text not null, "report_url" text null, "report_subject" text null, "culprit_code" boolean null, "culprit_tool" boolean null, "culprit_harness" boolean null, "categories" text[] null, "comment" text null, "misc" jsonb null, "_timestamp" timestamptz not null default now(), constraint "kcidb_issues_pkey" primary key ("id", "version"));
    create table "shared"."kcidb_submissions" ("id" uuid not null, "origins" text[] null, "report" jsonb not null, "status" text not null default 'ready', "errors" jsonb null, "received_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "processed_at" timestamptz null, constraint "kcidb_submissions_pkey" primary key ("id"));
    create index "kcidb_submissions_ready_index" on "shared"."kcidb_submissions" ("received_at") where "status" = 'ready';
    create table "shared"."kcidb_tests" ("id" text not null, "build_id" text not null, "origin" text not null, "environment_comment" text null, "environment_compatible" text[] null, "environment_misc" jsonb null, "path" text null, "comment" text null, "log_url" text null, "log_excerpt" text null, "status" text null, "number_value" double precision null, "number_unit" text null, "number_prefix" text null, "start_time" timestamptz null, "duration" double precision null, "input_files" jsonb null, "output_files" jsonb null, "misc" jsonb null, "_timestamp" timestamptz not null default now(), "hardware" text generated always as (coalesce("environment_compatible"[1], "environment_misc" ->> 'platform')) stored null, "platform" text generated always as ("environment_misc" ->> 'platform') stored null, "is_boot" boolean generated always as (coalesce("path" = 'boot' or starts_with("path", 'boot.'), false)) stored not null, constraint "kcidb_tests_pkey" primary key ("id"));
    create index "kcidb_tests_build_id_index" on "shared"."kcidb_tests" ("build_id") include ("status", "path");
    create index "kcidb_tests_start_time_index" on "shared"."kcidb_tests" ("start_time") include ("origin", "status", "is_boot", "hardware", "platform");
    create index "kcidb_tests_path_index" on "shared"."kcidb_tests" ("path", "start_time");
    create index "kcidb_tests_environment_compatible_index" on "shared"."kcidb_tests" using gin ("environment_compatible");
    create index "kcidb_tests_platform_index" on "shared"."kcidb_tests" (("environment_misc" ->> 'platform'));
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "shared"."kcidb_submissions",
    "shared"."kcidb_incidents",
    "shared"."kcidb_issues",
    "shared"."kcidb_tests",
    "shared"."kcidb_builds",
    "shared"."kcidb_checkouts"`);
}
