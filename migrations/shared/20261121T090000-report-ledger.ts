// The reporting ledger of pipelines: which pipelines still owe the forge a report, so a
// report lost to a crash or a forge outage is sent again by the reconciler.
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    alter table "shared"."pipelines" add column "report_seq" bigint not null default 0, add column "reported_seq" bigint not null default 0, add column "report_retry_at" timestamptz null, add column "report_attempts" int not null default 0;
    create index "pipelines_report_due_index" on "shared"."pipelines" ("report_retry_at") where "reported_seq" < "report_seq";
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    drop index "shared"."pipelines_report_due_index";
    alter table "shared"."pipelines" drop column "report_seq", drop column "reported_seq", drop column "report_retry_at", drop column "report_attempts";
  `);
}
