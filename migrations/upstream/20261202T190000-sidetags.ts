// Koji side tags of `sidetag_group`s: one group by name (shared by the packages that name
// it, as Packit's are), one side tag per group and dist-git branch, reused while Koji has
// it. Written from the entity metadata (`pnpm packflow migrate diff`).
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "upstream"."sidetag_groups" ("id" bigserial primary key, "name" text not null, "created_at" timestamptz not null default now());
    alter table "upstream"."sidetag_groups" add constraint "sidetag_groups_name_unique" unique ("name");
    create table "upstream"."sidetags" ("id" bigserial primary key, "sidetag_group_id" bigint not null, "dist_git_branch" text not null, "koji_name" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());
    alter table "upstream"."sidetags" add constraint "sidetags_group_branch_unique" unique ("sidetag_group_id", "dist_git_branch");
    alter table "upstream"."sidetags" add constraint "sidetags_koji_name_unique" unique ("koji_name");
    alter table "upstream"."sidetags" add constraint "sidetags_sidetag_group_id_foreign" foreign key ("sidetag_group_id") references "upstream"."sidetag_groups" ("id") on update cascade on delete cascade;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "upstream"."sidetags", "upstream"."sidetag_groups"`);
}
