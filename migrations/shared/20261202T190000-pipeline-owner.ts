// The deployment that owns a pipeline: the upstream deployment that acted on its event
// (several deployments may serve one forge instance, each with its own identity there),
// so each reconciler resumes only its own pipelines. Rows from before have none; a
// reconciler takes those by the forge instances it serves, as before.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`alter table "shared"."pipelines" add column "owner" text null;`);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`alter table "shared"."pipelines" drop column "owner";`);
}
