// Runs of jobs without build items of their own (Bodhi update, propose downstream, pull
// from upstream, VM image build), so the engine drives them like every other step.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "upstream"."job_runs" ("id" bigserial primary key, "job" text not null, "created_at" timestamptz not null default now());
    create table "upstream"."job_run_targets" ("id" bigserial primary key, "job_run_id" bigint not null, "target" text not null, "attempt" int not null default 1, "status" text not null default 'pending', "reason" text null, "external_id" text null, "idempotency_key" text null, "web_url" text null, "log_url" text null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "deadline_at" timestamptz null, "data" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    alter table "upstream"."job_run_targets" add constraint "job_run_targets_idempotency_key_unique" unique ("idempotency_key");
    create index "job_run_targets_group_index" on "upstream"."job_run_targets" ("job_run_id", "target");
    create index "job_run_targets_external_id_index" on "upstream"."job_run_targets" ("external_id");
    create index "job_run_targets_deadline_index" on "upstream"."job_run_targets" ("deadline_at");
    create table "upstream"."pipeline_step_job_runs" ("step_id" bigint not null, "job_run_id" bigint not null, constraint "pipeline_step_job_runs_pkey" primary key ("step_id"));
    create index "pipeline_step_job_runs_item_index" on "upstream"."pipeline_step_job_runs" ("job_run_id");
    create table "upstream"."pipeline_step_job_run_targets" ("step_id" bigint not null, "job_run_target_id" bigint not null, constraint "pipeline_step_job_run_targets_pkey" primary key ("step_id", "job_run_target_id"));
    create index "pipeline_step_job_run_targets_item_index" on "upstream"."pipeline_step_job_run_targets" ("job_run_target_id");
    alter table "upstream"."job_run_targets" add constraint "job_run_targets_job_run_id_foreign" foreign key ("job_run_id") references "upstream"."job_runs" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_job_runs" add constraint "pipeline_step_job_runs_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_job_runs" add constraint "pipeline_step_job_runs_job_run_id_foreign" foreign key ("job_run_id") references "upstream"."job_runs" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_job_run_targets" add constraint "pipeline_step_job_run_targets_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "upstream"."pipeline_step_job_run_targets" add constraint "pipeline_step_job_run_targets_job_run_target_id_foreign" foreign key ("job_run_target_id") references "upstream"."job_run_targets" ("id") on update cascade on delete cascade;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "upstream"."pipeline_step_job_run_targets", "upstream"."pipeline_step_job_runs", "upstream"."job_run_targets", "upstream"."job_runs"`);
}
