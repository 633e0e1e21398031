import type { Sql } from '@packflow/core';
import type { KcidbReport, KcidbSection } from '../report/kcidb-report.types.js';
import { KCIDB_TABLES, rowsOf, type TableSpec } from './kcidb-rows.js';

const q = (name: string) => `"${name}"`;

/** `insert … <select> on conflict … do update`: for each column the first non-null value wins, `_timestamp` the newest. */
function upsert(spec: TableSpec, select: string): string {
  const merge = spec.columns
    .filter((c) => !spec.key.includes(c.name))
    .map((c) => `${q(c.name)} = coalesce(t.${q(c.name)}, excluded.${q(c.name)})`);
  return [
    `insert into "shared".${q(spec.table)} as t (${spec.columns.map((c) => q(c.name)).join(', ')}, "_timestamp")`,
    select,
    `on conflict (${spec.key.map(q).join(', ')}) do update set`,
    `  ${[...merge, `"_timestamp" = greatest(t."_timestamp", excluded."_timestamp")`].join(',\n  ')}`,
  ].join('\n');
}

const orderByKey = (spec: TableSpec) =>
  spec.key.map((k) => `r.${q(k)}${k === 'id' || k.endsWith('_id') ? ' collate "C"' : ''}`).join(', ');

/**
 * Upsert of rows built in JavaScript: they travel as one JSON parameter ($1) and
 * `json_to_recordset` turns them into a relation.
 */
export function upsertSql(spec: TableSpec): string {
  const record = spec.columns.map((c) => `${q(c.name)} ${c.type}`).join(', ');
  return upsert(
    spec,
    `select ${spec.columns.map((c) => `r.${q(c.name)}`).join(', ')}, now()\nfrom json_to_recordset($1::json) as r(${record})`,
  );
}

/**
 * Upsert straight from stored submissions ($1 their ids): the reports never leave the
 * database. Nested objects are unpacked with `jsonb_to_record`. Rows go in key order, so
 * concurrent loads lock them in the same order. Objects repeated within the report make
 * PostgreSQL refuse the statement (21000), as do objects repeated across the submissions
 * of one statement; `loadKcidbReport` merges those.
 */
export function upsertStoredSql(spec: TableSpec): string {
  const top = spec.columns.filter((c) => !c.parent);
  const parents = [...new Set(spec.columns.flatMap((c) => (c.parent ? [c.parent] : [])))];
  const record = [...top.map((c) => `${q(c.field)} ${c.type}`), ...parents.map((p) => `${q(p)} jsonb`)].join(', ');
  const unpack = parents.map((p) => {
    const fields = spec.columns.filter((c) => c.parent === p).map((c) => `${q(c.field)} ${c.type}`);
    return `left join lateral jsonb_to_record(r.${q(p)}) as ${q(`n_${p}`)}(${fields.join(', ')}) on true`;
  });
  const values = spec.columns.map((c) => (c.parent ? `${q(`n_${c.parent}`)}.${q(c.field)}` : `r.${q(c.field)}`));
  return upsert(
    spec,
    [
      `select ${values.join(', ')}, now()`,
      `from "shared"."kcidb_submissions" s`,
      `cross join jsonb_to_recordset(s.report -> '${spec.section}') as r(${record})`,
      ...unpack,
      `where s.id = any($1::uuid[])`,
      `order by ${orderByKey(spec)}`,
    ].join('\n'),
  );
}

const FROM_ROWS = new Map(KCIDB_TABLES.map((spec) => [spec.section, upsertSql(spec)]));
const FROM_STORED = new Map(
  KCIDB_TABLES.map((spec) => [
    spec.section,
    `with w as (${upsertStoredSql(spec)} returning 1) select count(*)::int as n from w`,
  ]),
);

export type KcidbLoadCounts = Record<KcidbSection, number>;

/** How many rows go into one statement: bounds the size of one JSON parameter. */
const CHUNK = 5000;

/**
 * Merges a valid report into the KCIDB tables, parents first, merging objects repeated in
 * it. Run it inside a transaction so a report is loaded whole or not at all. Returns the
 * rows written per table.
 */
export async function loadKcidbReport(sql: Sql, report: KcidbReport): Promise<KcidbLoadCounts> {
  const counts = { checkouts: 0, builds: 0, tests: 0, issues: 0, incidents: 0 };
  for (const spec of KCIDB_TABLES) {
    const rows = rowsOf(report, spec);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await sql.query(FROM_ROWS.get(spec.section)!, [JSON.stringify(rows.slice(i, i + CHUNK))]);
    }
    counts[spec.section] = rows.length;
  }
  return counts;
}

/**
 * Merges the reports of stored submissions `ids` into the KCIDB tables without taking them
 * out of the database (the fast way): one statement per table for all of them, so the
 * rollup trigger aggregates them once. Fails with PostgreSQL's 21000 when an id repeats
 * within one section of a report or across the reports; run it in a transaction (or a
 * savepoint) for the same reason as `loadKcidbReport`. Returns the rows written per table,
 * all reports together.
 */
export async function loadStoredKcidbReports(sql: Sql, ids: readonly string[]): Promise<KcidbLoadCounts> {
  const counts = { checkouts: 0, builds: 0, tests: 0, issues: 0, incidents: 0 };
  for (const spec of KCIDB_TABLES) {
    const {
      rows: [{ n }],
    } = await sql.query<{ n: number }>(FROM_STORED.get(spec.section)!, [ids]);
    counts[spec.section] = n;
  }
  return counts;
}
