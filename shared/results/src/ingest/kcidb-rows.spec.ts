import { describe, expect, it } from '@jest/globals';
import type { KcidbReport } from '../report/kcidb-report.types.js';
import { upsertSql } from './kcidb-ingest.repository.js';
import { KCIDB_TABLES, rowsOf } from './kcidb-rows.js';

const spec = (section: string) => KCIDB_TABLES.find((t) => t.section === section)!;

describe('rowsOf', () => {
  it('flattens a test environment and number into columns and leaves out what is absent', () => {
    const report: KcidbReport = {
      version: { major: 5 },
      tests: [
        {
          id: 'myci:t',
          origin: 'myci',
          build_id: 'myci:b',
          environment: { compatible: ['a,b'], comment: 'lab', misc: { platform: 'qemu' } },
          number: { value: 2, unit: 'ms', prefix: 'binary' },
          _timestamp: '2024-01-01T00:00:00Z',
        },
      ],
    };
    expect(rowsOf(report, spec('tests'))).toEqual([
      {
        id: 'myci:t',
        origin: 'myci',
        build_id: 'myci:b',
        environment_comment: 'lab',
        environment_compatible: ['a,b'],
        environment_misc: { platform: 'qemu' },
        number_value: 2,
        number_unit: 'ms',
        number_prefix: 'binary',
      },
    ]);
  });

  it('flattens an issue culprit, and keys issues by id and version', () => {
    const report: KcidbReport = {
      version: { major: 5 },
      issues: [
        { id: 'myci:i', origin: 'myci', version: 2, culprit: { tool: true } },
        { id: 'myci:i', origin: 'myci', version: 1 },
      ],
    };
    expect(rowsOf(report, spec('issues'))).toEqual([
      { id: 'myci:i', origin: 'myci', version: 1 },
      {
        id: 'myci:i',
        origin: 'myci',
        version: 2,
        culprit_code: undefined,
        culprit_tool: true,
        culprit_harness: undefined,
      },
    ]);
  });

  it('merges repeated ids, the first value of each column winning, in id order', () => {
    const report: KcidbReport = {
      version: { major: 5 },
      builds: [
        { id: 'myci:z', origin: 'myci', checkout_id: 'myci:c' },
        { id: 'myci:a', origin: 'myci', checkout_id: 'myci:c', architecture: 'arm64' },
        { id: 'myci:a', origin: 'myci', checkout_id: 'myci:d', architecture: 'x86_64', status: 'PASS' },
      ],
    };
    expect(rowsOf(report, spec('builds'))).toEqual([
      { id: 'myci:a', origin: 'myci', checkout_id: 'myci:c', architecture: 'arm64', status: 'PASS' },
      { id: 'myci:z', origin: 'myci', checkout_id: 'myci:c' },
    ]);
  });
});

describe('upsertSql', () => {
  it('keeps the first non-null value of every column but the key, and the newest _timestamp', () => {
    const sql = upsertSql(spec('issues'));
    expect(sql).toContain('on conflict ("id", "version") do update set');
    expect(sql).toContain('"report_url" = coalesce(t."report_url", excluded."report_url")');
    expect(sql).toContain('"_timestamp" = greatest(t."_timestamp", excluded."_timestamp")');
    expect(sql).not.toContain('"version" = coalesce');
    expect(sql).toContain('json_to_recordset($1::json)');
  });
});
