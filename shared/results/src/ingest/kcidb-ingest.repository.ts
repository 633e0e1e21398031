import type { KcidbSql } from '../kcidb-database.js';
import type { KcidbReport, KcidbSection } from '../report/kcidb-report.types.js';
import { KCIDB_TABLES, rowsOf, type TableSpec } from './kcidb-rows.js';

const q = (name: string) => `"${name}"`;

/**
 * One statement per table for a whole report: the rows travel as one JSON parameter,
 * `json_to_recordset` turns them into a relation, and the upsert merges them into what is
 * stored: for each column the first non-null value wins, `_timestamp` becomes the newest.
 */
export function upsertSql(spec: TableSpec): string {
  const names = spec.columns.map((c) => q(c.name));
  const record = spec.columns.map((c) => `${q(c.name)} ${c.type}`).join(', ');
  const merge = spec.columns
    .filter((c) => !spec.key.includes(c.name))
    .map((c) => `${q(c.name)} = coalesce(t.${q(c.name)}, excluded.${q(c.name)})`);
  return [
    `insert into "shared".${q(spec.table)} as t (${names.join(', ')}, "_timestamp")`,
    `select ${names.map((n) => `r.${n}`).join(', ')}, now()`,
    `from json_to_recordset($1::json) as r(${record})`,
    `on conflict (${spec.key.map(q).join(', ')}) do update set`,
    `  ${[...merge, `"_timestamp" = greatest(t."_timestamp", excluded."_timestamp")`].join(',\n  ')}`,
  ].join('\n');
}

const STATEMENTS = new Map(KCIDB_TABLES.map((spec) => [spec.section, upsertSql(spec)]));

export type KcidbLoadCounts = Record<KcidbSection, number>;

/** How many rows go into one statement: bounds the size of one JSON parameter. */
const CHUNK = 5000;

/**
 * Merges a valid report into the KCIDB tables, parents first. Run it inside a transaction so
 * a report is loaded whole or not at all. Returns the rows written per table.
 */
export async function loadKcidbReport(sql: KcidbSql, report: KcidbReport): Promise<KcidbLoadCounts> {
  const counts = { checkouts: 0, builds: 0, tests: 0, issues: 0, incidents: 0 };
  for (const spec of KCIDB_TABLES) {
    const rows = rowsOf(report, spec);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await sql.query(STATEMENTS.get(spec.section)!, [JSON.stringify(rows.slice(i, i + CHUNK))]);
    }
    counts[spec.section] = rows.length;
  }
  return counts;
}
