// How KCIDB report objects map onto the KCIDB tables, described once: top-level fields are
// columns of the same name, and the fields of a nested object (a test's environment and
// number, an issue's culprit) are columns `<object>_<field>`. Both ways of loading use it:
// rows built here in JavaScript, and the SQL that reads a stored report in place.
// Objects repeated within one report are merged the way the store merges submissions:
// for each column the first value wins.
import type { KcidbReport, KcidbSection } from '../report/kcidb-report.types.js';

export type Row = Record<string, unknown>;

export type SqlType = 'text' | 'text[]' | 'jsonb' | 'timestamptz' | 'double precision' | 'boolean' | 'bigint';

/** A column of a KCIDB table, the field it comes from and its SQL type. */
export interface Column {
  name: string;
  type: SqlType;
  /** The nested object holding the field (`environment`), or none for a top-level field. */
  parent?: string;
  /** The field's name within its parent. */
  field: string;
}

export interface TableSpec {
  section: KcidbSection;
  table: string;
  key: readonly string[];
  columns: readonly Column[];
}

const col = (name: string, type: SqlType = 'text'): Column => ({ name, type, field: name });
const nested = (parent: string, fields: [string, SqlType][]): Column[] =>
  fields.map(([field, type]) => ({ name: `${parent}_${field}`, type, parent, field }));
const logs = [col('log_url'), col('log_excerpt')];

/** The KCIDB tables in load order (parents first), with how report objects map onto them. */
export const KCIDB_TABLES: readonly TableSpec[] = [
  {
    section: 'checkouts',
    table: 'kcidb_checkouts',
    key: ['id'],
    columns: [
      col('id'),
      col('origin'),
      col('tree_name'),
      col('git_repository_url'),
      col('git_commit_hash'),
      col('git_commit_name'),
      col('git_commit_tags', 'text[]'),
      col('git_commit_message'),
      col('git_repository_branch'),
      col('git_repository_branch_tip', 'boolean'),
      col('patchset_files', 'jsonb'),
      col('patchset_hash'),
      col('message_id'),
      col('comment'),
      col('start_time', 'timestamptz'),
      col('origin_builds_finish_time', 'timestamptz'),
      col('origin_tests_finish_time', 'timestamptz'),
      ...logs,
      col('valid', 'boolean'),
      col('misc', 'jsonb'),
    ],
  },
  {
    section: 'builds',
    table: 'kcidb_builds',
    key: ['id'],
    columns: [
      col('id'),
      col('checkout_id'),
      col('origin'),
      col('comment'),
      col('start_time', 'timestamptz'),
      col('duration', 'double precision'),
      col('architecture'),
      col('command'),
      col('compiler'),
      col('input_files', 'jsonb'),
      col('output_files', 'jsonb'),
      col('config_name'),
      col('config_url'),
      ...logs,
      col('status'),
      col('misc', 'jsonb'),
    ],
  },
  {
    section: 'tests',
    table: 'kcidb_tests',
    key: ['id'],
    columns: [
      col('id'),
      col('build_id'),
      col('origin'),
      ...nested('environment', [
        ['comment', 'text'],
        ['compatible', 'text[]'],
        ['misc', 'jsonb'],
      ]),
      col('path'),
      col('comment'),
      ...logs,
      col('status'),
      ...nested('number', [
        ['value', 'double precision'],
        ['unit', 'text'],
        ['prefix', 'text'],
      ]),
      col('start_time', 'timestamptz'),
      col('duration', 'double precision'),
      col('input_files', 'jsonb'),
      col('output_files', 'jsonb'),
      col('misc', 'jsonb'),
    ],
  },
  {
    section: 'issues',
    table: 'kcidb_issues',
    key: ['id', 'version'],
    columns: [
      col('id'),
      col('version', 'bigint'),
      col('origin'),
      col('report_url'),
      col('report_subject'),
      ...nested('culprit', [
        ['code', 'boolean'],
        ['tool', 'boolean'],
        ['harness', 'boolean'],
      ]),
      col('categories', 'text[]'),
      col('comment'),
      col('misc', 'jsonb'),
    ],
  },
  {
    section: 'incidents',
    table: 'kcidb_incidents',
    key: ['id'],
    columns: [
      col('id'),
      col('origin'),
      col('issue_id'),
      col('issue_version', 'bigint'),
      col('build_id'),
      col('test_id'),
      col('present', 'boolean'),
      col('comment'),
      col('misc', 'jsonb'),
    ],
  },
];

/** One report object as a row: its columns that have a value. */
export function toRow(spec: TableSpec, object: Record<string, unknown>): Row {
  const row: Row = {};
  for (const { name, parent, field } of spec.columns) {
    const value = parent ? (object[parent] as Row | undefined)?.[field] : object[field];
    if (value !== undefined) row[name] = value;
  }
  return row;
}

/** Orders rows by key as the SQL loader does: text in code unit order ("C" collation), numbers by value. */
function byKey(spec: TableSpec) {
  return (a: Row, b: Row): number => {
    for (const k of spec.key) {
      const x = a[k] as string | number;
      const y = b[k] as string | number;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  };
}

/**
 * The rows of one table from a report, objects with the same key merged (first value of
 * each column wins), in key order so concurrent loads lock rows in the same order.
 */
export function rowsOf(report: KcidbReport, spec: TableSpec): Row[] {
  const objects = (report[spec.section] ?? []) as unknown as Record<string, unknown>[];
  const merged = new Map<string, Row>();
  for (const object of objects) {
    const row = toRow(spec, object);
    const key = spec.key.map((k) => String(row[k])).join('\0');
    const earlier = merged.get(key);
    if (!earlier) {
      merged.set(key, row);
      continue;
    }
    for (const [name, value] of Object.entries(row)) {
      if (earlier[name] === undefined || earlier[name] === null) earlier[name] = value;
    }
  }
  return [...merged.values()].sort(byKey(spec));
}
