import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_LIMIT,
  parseHardwareResultsParams,
  parsePathRollupParams,
  parseRevisionParams,
  parseTestHistoryParams,
  parseTreesParams,
} from './kcidb-query.params.js';

const now = new Date('2026-03-10T12:00:00Z');
const errors = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return Object.fromEntries(
      (error as { details: { errors: { pointer: string; message: string }[] } }).details.errors.map((e) => [
        e.pointer,
        e.message,
      ]),
    );
  }
  throw new Error('expected a validation error');
};

describe('KCIDB query parameters', () => {
  it('defaults the listings to the last week, the first page of 50, any origin', () => {
    expect(parseTreesParams({}, now)).toEqual({
      origin: null,
      from: new Date('2026-03-03T12:00:00Z'),
      to: now,
      limit: DEFAULT_LIMIT,
      offset: 0,
      tag: null,
    });
  });

  it('reads dates, date-times (UTC unless zoned), origins and pages', () => {
    expect(
      parseTreesParams({ from: '2026-01-01', to: '2026-01-02T10:00', origin: 'myci', limit: '10', offset: '20' }, now),
    ).toMatchObject({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-02T10:00:00Z'),
      origin: 'myci',
      limit: 10,
      offset: 20,
    });
    expect(parseTreesParams({ from: '2026-01-01T10:00:00+02:00' }, now).from).toEqual(new Date('2026-01-01T08:00:00Z'));
  });

  it('names every bad parameter', () => {
    expect(
      errors(() =>
        parseTreesParams({ from: '2026-02-30x', limit: '501', offset: '-1', origin: 'My CI', extra: '1' }, now),
      ),
    ).toEqual({
      '/from': expect.stringContaining('ISO 8601'),
      '/limit': expect.stringContaining('from 1 to 500'),
      '/offset': expect.stringContaining('whole number'),
      '/origin': expect.stringContaining('an origin'),
      '/extra': expect.stringContaining('not a parameter'),
    });
    expect(errors(() => parseTreesParams({ from: '2026-03-09', to: '2026-03-01' }, now))).toEqual({
      '/from': 'must be earlier than to',
    });
    expect(errors(() => parseTreesParams({ origin: ['a', 'b'] }, now))).toEqual({ '/origin': 'must be given once' });
  });

  it('requires what identifies the subject of each query', () => {
    expect(errors(() => parseRevisionParams({}, now))).toEqual({ '/commit': 'is required' });
    expect(errors(() => parseRevisionParams({ commit: 'abc', patchset: 'x' }, now))).toEqual({
      '/commit': expect.stringContaining('40 lowercase'),
      '/patchset': expect.stringContaining('64 lowercase'),
    });
    expect(errors(() => parseHardwareResultsParams({}, now))).toEqual({ '/hardware': 'is required' });
    expect(errors(() => parseTestHistoryParams({ path: 'a..b' }, now))).toEqual({
      '/path': expect.stringContaining('dotted test path'),
    });
    expect(errors(() => parsePathRollupParams({ build_id: 'b1' }, now))).toEqual({
      '/build_id': expect.stringContaining('build id'),
    });
  });

  it('leaves the revision and the rollup without a default interval', () => {
    expect(parseRevisionParams({ commit: 'a'.repeat(40) }, now)).toMatchObject({ patchset: '', from: null, to: null });
    expect(parsePathRollupParams({ build_id: 'myci:b', prefix: 'boot' }, now)).toMatchObject({
      buildId: 'myci:b',
      prefix: 'boot',
      from: null,
    });
  });
});
