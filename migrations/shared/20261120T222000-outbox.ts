// Transactional outbox: events recorded by the scheduler wait here until the relay has
// published them to JetStream.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."outbox" ("id" bigserial primary key, "subject" text not null, "msg_id" text not null, "payload" jsonb not null, "headers" jsonb null, "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null default now(), "published_at" timestamptz null);
    alter table "shared"."outbox" add constraint "outbox_msg_id_unique" unique ("msg_id");
    create index "outbox_unpublished_index" on "shared"."outbox" ("id") where "published_at" is null;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop table "shared"."outbox"`);
}
