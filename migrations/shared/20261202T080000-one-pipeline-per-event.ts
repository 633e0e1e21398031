// One pipeline started per event: a redelivered event (or two workers handling the same
// message at once) must not start a second pipeline. Reruns name the event that asked
// for them and are not limited. A database where the old check-then-insert already
// raced holds two starts of one event; PostgreSQL then refuses the index and names the
// event, and one of the two pipelines has to go before migrating.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create unique index "pipelines_event_start_unique" on "shared"."pipelines" ("event_id") where "rerun_of_id" is null;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop index "shared"."pipelines_event_start_unique";`);
}
