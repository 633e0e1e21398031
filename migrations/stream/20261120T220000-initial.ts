// The stream base: source-git <-> dist-git MR pairs and dist-git -> source-git sync runs.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "stream"."mr_pairs" ("id" bigserial primary key, "source_git_project_id" bigint not null, "source_git_mr" text not null, "dist_git_project_id" bigint not null, "dist_git_mr" text null, "state" text not null default 'open', "step_id" bigint null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    create table "stream"."sync_runs" ("id" bigserial primary key, "dist_git_project_id" bigint not null, "dist_git_sha" text not null, "branch" text not null, "source_git_project_id" bigint not null, "source_git_mr" text null, "event_id" bigint null, "status" text not null default 'pending', "reason" text null, "created_at" timestamptz not null default now(), "finished_at" timestamptz null);
    create index "mr_pairs_dist_git_index" on "stream"."mr_pairs" ("dist_git_project_id", "dist_git_mr");
    alter table "stream"."mr_pairs" add constraint "mr_pairs_source_git_unique" unique ("source_git_project_id", "source_git_mr");
    create index "sync_runs_dist_git_index" on "stream"."sync_runs" ("dist_git_project_id", "dist_git_sha");
    alter table "stream"."mr_pairs" add constraint "mr_pairs_source_git_project_id_foreign" foreign key ("source_git_project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "stream"."mr_pairs" add constraint "mr_pairs_dist_git_project_id_foreign" foreign key ("dist_git_project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "stream"."mr_pairs" add constraint "mr_pairs_step_id_foreign" foreign key ("step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete set null;
    alter table "stream"."sync_runs" add constraint "sync_runs_dist_git_project_id_foreign" foreign key ("dist_git_project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "stream"."sync_runs" add constraint "sync_runs_source_git_project_id_foreign" foreign key ("source_git_project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "stream"."sync_runs" add constraint "sync_runs_event_id_foreign" foreign key ("event_id") references "shared"."events" ("id") on update cascade on delete set null;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "stream"."sync_runs",
    "stream"."mr_pairs"`);
}
