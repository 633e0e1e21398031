// The shared base: projects, refs, commits, events, pipelines and their DAG.
// Written from the entity metadata (`pnpm packflow migrate diff`) and reviewed.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."projects" ("id" bigserial primary key, "forge" text not null, "instance_url" text not null, "namespace" text not null, "repo" text not null, "created_at" timestamptz not null default now());
    create table "shared"."project_refs" ("id" bigserial primary key, "project_id" bigint not null, "kind" text not null, "name" text not null, "created_at" timestamptz not null default now());
    create table "shared"."commits" ("id" bigserial primary key, "project_id" bigint not null, "ref_id" bigint not null, "sha" text not null, "created_at" timestamptz not null default now());
    create table "shared"."events" ("id" bigserial primary key, "source" text not null, "type" text not null, "delivery_id" text not null, "actor" text null, "ecosystem" text null, "disposition" text not null default 'accepted', "reason" text null, "project_id" bigint null, "ref_id" bigint null, "commit_id" bigint null, "payload" jsonb not null, "received_at" timestamptz not null default now());
    create table "shared"."pipelines" ("id" bigserial primary key, "project_id" bigint not null, "event_id" bigint null, "commit_id" bigint not null, "trigger" text not null, "strategy" text not null default 'independent', "status" text not null default 'pending', "rerun_of_id" bigint null, "rerun_kind" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "finished_at" timestamptz null);
    create table "shared"."pipeline_steps" ("id" bigserial primary key, "pipeline_id" bigint not null, "key" text not null, "job" text not null, "package" text null, "identifier" text null, "status" text not null default 'pending', "rerun_of_id" bigint null, "options" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    create table "shared"."pipeline_step_edges" ("id" bigserial primary key, "from_step_id" bigint not null, "to_step_id" bigint not null, "target" text null);
    alter table "shared"."projects" add constraint "projects_repository_unique" unique ("instance_url", "namespace", "repo");
    alter table "shared"."project_refs" add constraint "project_refs_unique" unique ("project_id", "kind", "name");
    create index "commits_sha_index" on "shared"."commits" ("sha");
    alter table "shared"."commits" add constraint "commits_unique" unique ("project_id", "ref_id", "sha");
    alter table "shared"."events" add constraint "events_delivery_id_unique" unique ("delivery_id");
    create index "events_project_received_index" on "shared"."events" ("project_id", "received_at", "id");
    create index "pipelines_project_index" on "shared"."pipelines" ("project_id", "id");
    create index "pipelines_event_index" on "shared"."pipelines" ("event_id");
    create index "pipelines_commit_index" on "shared"."pipelines" ("commit_id");
    create index "pipelines_rerun_of_index" on "shared"."pipelines" ("rerun_of_id");
    alter table "shared"."pipeline_steps" add constraint "pipeline_steps_key_unique" unique ("pipeline_id", "key");
    create index "pipeline_step_edges_from_index" on "shared"."pipeline_step_edges" ("from_step_id");
    create index "pipeline_step_edges_to_index" on "shared"."pipeline_step_edges" ("to_step_id");
    alter table "shared"."project_refs" add constraint "project_refs_project_id_foreign" foreign key ("project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "shared"."commits" add constraint "commits_project_id_foreign" foreign key ("project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "shared"."commits" add constraint "commits_ref_id_foreign" foreign key ("ref_id") references "shared"."project_refs" ("id") on update cascade on delete cascade;
    alter table "shared"."events" add constraint "events_project_id_foreign" foreign key ("project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "shared"."events" add constraint "events_ref_id_foreign" foreign key ("ref_id") references "shared"."project_refs" ("id") on update cascade on delete set null;
    alter table "shared"."events" add constraint "events_commit_id_foreign" foreign key ("commit_id") references "shared"."commits" ("id") on update cascade on delete set null;
    alter table "shared"."pipelines" add constraint "pipelines_project_id_foreign" foreign key ("project_id") references "shared"."projects" ("id") on update cascade on delete cascade;
    alter table "shared"."pipelines" add constraint "pipelines_event_id_foreign" foreign key ("event_id") references "shared"."events" ("id") on update cascade on delete set null;
    alter table "shared"."pipelines" add constraint "pipelines_commit_id_foreign" foreign key ("commit_id") references "shared"."commits" ("id") on update cascade on delete cascade;
    alter table "shared"."pipelines" add constraint "pipelines_rerun_of_id_foreign" foreign key ("rerun_of_id") references "shared"."pipelines" ("id") on update cascade on delete set null;
    alter table "shared"."pipeline_steps" add constraint "pipeline_steps_pipeline_id_foreign" foreign key ("pipeline_id") references "shared"."pipelines" ("id") on update cascade on delete cascade;
    alter table "shared"."pipeline_steps" add constraint "pipeline_steps_rerun_of_id_foreign" foreign key ("rerun_of_id") references "shared"."pipeline_steps" ("id") on update cascade on delete set null;
    alter table "shared"."pipeline_step_edges" add constraint "pipeline_step_edges_from_step_id_foreign" foreign key ("from_step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
    alter table "shared"."pipeline_step_edges" add constraint "pipeline_step_edges_to_step_id_foreign" foreign key ("to_step_id") references "shared"."pipeline_steps" ("id") on update cascade on delete cascade;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "shared"."pipeline_step_edges",
    "shared"."pipeline_steps",
    "shared"."pipelines",
    "shared"."events",
    "shared"."commits",
    "shared"."project_refs",
    "shared"."projects"`);
}
