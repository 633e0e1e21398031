// KCIDB report objects -> rows of the KCIDB tables: nested objects (a test's environment and
// number, an issue's culprit) become columns, and objects repeated within one report are
// merged the way the store merges submissions: for each column the first value wins.
import type { KcidbReport, KcidbSection } from '../report/kcidb-report.types.js';

export type Row = Record<string, unknown>;

/** A column of a KCIDB table and its SQL type (as json_to_recordset reads it). */
export interface Column {
  name: string;
  type: 'text' | 'text[]' | 'jsonb' | 'timestamptz' | 'double precision' | 'boolean' | 'bigint';
}

export interface TableSpec {
  section: KcidbSection;
  table: string;
  key: readonly string[];
  columns: readonly Column[];
  toRow(object: Record<string, unknown>): Row;
}

const col = (name: string, type: Column['type'] = 'text'): Column => ({ name, type });
const files = (...names: string[]) => names.map((n) => col(n, 'jsonb'));
const logs = [col('log_url'), col('log_excerpt')];

/** Copies the named top-level fields as they are. */
const pick = (object: Record<string, unknown>, columns: readonly Column[]): Row => {
  const row: Row = {};
  for (const { name } of columns) if (object[name] !== undefined) row[name] = object[name];
  return row;
};

const checkoutColumns = [
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
  ...files('patchset_files'),
  col('patchset_hash'),
  col('message_id'),
  col('comment'),
  col('start_time', 'timestamptz'),
  col('origin_builds_finish_time', 'timestamptz'),
  col('origin_tests_finish_time', 'timestamptz'),
  ...logs,
  col('valid', 'boolean'),
  col('misc', 'jsonb'),
];

const buildColumns = [
  col('id'),
  col('checkout_id'),
  col('origin'),
  col('comment'),
  col('start_time', 'timestamptz'),
  col('duration', 'double precision'),
  col('architecture'),
  col('command'),
  col('compiler'),
  ...files('input_files', 'output_files'),
  col('config_name'),
  col('config_url'),
  ...logs,
  col('status'),
  col('misc', 'jsonb'),
];

const testColumns = [
  col('id'),
  col('build_id'),
  col('origin'),
  col('environment_comment'),
  col('environment_compatible', 'text[]'),
  col('environment_misc', 'jsonb'),
  col('path'),
  col('comment'),
  ...logs,
  col('status'),
  col('number_value', 'double precision'),
  col('number_unit'),
  col('number_prefix'),
  col('start_time', 'timestamptz'),
  col('duration', 'double precision'),
  ...files('input_files', 'output_files'),
  col('misc', 'jsonb'),
];

const issueColumns = [
  col('id'),
  col('version', 'bigint'),
  col('origin'),
  col('report_url'),
  col('report_subject'),
  col('culprit_code', 'boolean'),
  col('culprit_tool', 'boolean'),
  col('culprit_harness', 'boolean'),
  col('categories', 'text[]'),
  col('comment'),
  col('misc', 'jsonb'),
];

const incidentColumns = [
  col('id'),
  col('origin'),
  col('issue_id'),
  col('issue_version', 'bigint'),
  col('build_id'),
  col('test_id'),
  col('present', 'boolean'),
  col('comment'),
  col('misc', 'jsonb'),
];

type Nested = Record<string, unknown> | undefined;

/** The KCIDB tables in load order (parents first), with how report objects map onto them. */
export const KCIDB_TABLES: readonly TableSpec[] = [
  { section: 'checkouts', table: 'kcidb_checkouts', key: ['id'], columns: checkoutColumns, toRow: (o) => pick(o, checkoutColumns) },
  { section: 'builds', table: 'kcidb_builds', key: ['id'], columns: buildColumns, toRow: (o) => pick(o, buildColumns) },
  {
    section: 'tests',
    table: 'kcidb_tests',
    key: ['id'],
    columns: testColumns,
    toRow: (o) => {
      const row = pick(o, testColumns);
      const environment = o.environment as Nested;
      if (environment) {
        row.environment_comment = environment.comment;
        row.environment_compatible = environment.compatible;
        row.environment_misc = environment.misc;
      }
      const number = o.number as Nested;
      if (number) {
        row.number_value = number.value;
        row.number_unit = number.unit;
        row.number_prefix = number.prefix;
      }
      return row;
    },
  },
  {
    section: 'issues',
    table: 'kcidb_issues',
    key: ['id', 'version'],
    columns: issueColumns,
    toRow: (o) => {
      const row = pick(o, issueColumns);
      const culprit = o.culprit as Nested;
      if (culprit) {
        row.culprit_code = culprit.code;
        row.culprit_tool = culprit.tool;
        row.culprit_harness = culprit.harness;
      }
      return row;
    },
  },
  { section: 'incidents', table: 'kcidb_incidents', key: ['id'], columns: incidentColumns, toRow: (o) => pick(o, incidentColumns) },
];

/**
 * The rows of one table from a report, objects with the same key merged (first value of
 * each column wins), in key order so concurrent loads lock rows in the same order.
 */
export function rowsOf(report: KcidbReport, spec: TableSpec): Row[] {
  const objects = (report[spec.section] ?? []) as unknown as Record<string, unknown>[];
  const merged = new Map<string, Row>();
  for (const object of objects) {
    const row = spec.toRow(object);
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
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
