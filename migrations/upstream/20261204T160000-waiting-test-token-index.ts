// A Testing Farm notification can come before packflow has recorded its request's id (a
// test that ends at once): the intake then finds the test target by the SHA-256 of the
// notification token it gave, among the targets still without an id. Written from the
// entity metadata (`pnpm packflow migrate diff`).
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(
    `create index "test_run_targets_waiting_token_index" on "upstream"."test_run_targets" ("notification_token_hash") where "external_id" is null`,
  );
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`drop index "upstream"."test_run_targets_waiting_token_index"`);
}
