// Dead letters of the JetStream transport, and a NOTIFY on `packflow_outbox` whenever
// outbox rows are inserted, so the outbox relay wakes at once instead of at its next poll.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."dead_letters" ("id" bigserial primary key, "subject" text not null, "payload" jsonb not null, "headers" jsonb null, "error" text not null, "deliveries" int not null, "stream" text not null, "consumer" text not null, "stream_seq" bigint not null, "msg_id" text null, "created_at" timestamptz not null default now(), "replayed_at" timestamptz null, "replay_msg_id" text null);

    create function "shared"."outbox_notify"() returns trigger language plpgsql as $$
    begin
      perform pg_notify('packflow_outbox', '');
      return null;
    end
    $$;
    create trigger "outbox_notify" after insert on "shared"."outbox"
      for each statement execute function "shared"."outbox_notify"();
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    drop trigger "outbox_notify" on "shared"."outbox";
    drop function "shared"."outbox_notify"();
    drop table "shared"."dead_letters";
  `);
}
