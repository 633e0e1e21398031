// The steps of source-git -> dist-git sync pipelines (the engine's items of kind
// `sync_step`), and what an MR pair remembers of its last sync (branches and commits).
// Written from the entity metadata (`pnpm packflow migrate diff`).
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "stream"."sync_steps" ("id" bigserial primary key, "target" text not null, "attempt" int not null default 1, "status" text not null default 'pending', "reason" text null, "external_id" text null, "idempotency_key" text null, "web_url" text null, "log_url" text null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "deadline_at" timestamptz null, "data" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    alter table "stream"."sync_steps" add constraint "sync_steps_idempotency_key_unique" unique ("idempotency_key");
    create index "sync_steps_external_id_index" on "stream"."sync_steps" ("external_id");
    create index "sync_steps_deadline_index" on "stream"."sync_steps" ("deadline_at");
    create table "stream"."pipeline_step_sync_steps" ("step_id" bigint not null, "sync_step_id" bigint not null, constraint "pipeline_step_sync_steps_pkey" primary key ("step_id"));
    create index "pipeline_step_sync_steps_item_index" on "stream"."pipeline_step_sync_steps" ("sync_step_id");
    alter table "stream"."pipeline_step_sync_steps" add constraint "pipeline_step_sync_steps_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "stream"."pipeline_step_sync_steps" add constraint "pipeline_step_sync_steps_sync_step_id_foreign" foreign key ("sync_step_id") references "stream"."sync_steps" ("id") on update cascade on delete cascade;
    alter table "stream"."mr_pairs" add column "target_branch" text null, add column "fork_branch" text null, add column "source_git_sha" text null, add column "dist_git_sha" text null;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    alter table "stream"."mr_pairs" drop column "target_branch", drop column "fork_branch", drop column "source_git_sha", drop column "dist_git_sha";
    drop table "stream"."pipeline_step_sync_steps", "stream"."sync_steps";
  `);
}
