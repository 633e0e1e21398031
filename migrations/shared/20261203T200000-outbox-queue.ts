// The outbox becomes a queue: the relay deletes a row once JetStream has acknowledged its
// message, instead of stamping published_at and keeping it for ever. Published rows were
// a second copy of every accepted event's payload (the event row is the record, and the
// stream holds the message), never read again, and the table only grew. Deleting also
// costs PostgreSQL less than the update did: an update wrote a new version of the row
// with its payload and new entries in both unique indexes (published_at was in the
// partial index's predicate, so it could not be a HOT update); a delete marks the row.
// What waits is now the whole table, so the partial index on unpublished rows goes too:
// the primary key gives the relay its id order.
// A relay of the previous release still running while this runs fails to mark what it
// published and publishes it again later with the same Nats-Msg-Id, which the stream
// drops as a duplicate.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    delete from "shared"."outbox" where "published_at" is not null;
    drop index "shared"."outbox_unpublished_index";
    alter table "shared"."outbox" drop column "published_at";
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    alter table "shared"."outbox" add column "published_at" timestamptz null;
    create index "outbox_unpublished_index" on "shared"."outbox" ("id") where "published_at" is null;
  `);
}
