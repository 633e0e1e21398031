import { describe, expect, it } from '@jest/globals';
import { MAX_PAGE } from '@packflow/core';
import {
  DEFAULT_LIMIT,
  parseHardwareParams,
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
      cursor: null,
      tag: null,
    });
  });

  it('reads dates, date-times (UTC unless zoned), origins and pages', () => {
    expect(
      parseTreesParams(
        { from: '2026-01-01', to: '2026-01-02T10:00', origin: 'myci', limit: '10', cursor: 'myci:c 1' },
        now,
      ),
    ).toMatchObject({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-02T10:00:00Z'),
      origin: 'myci',
      limit: 10,
      cursor: 'myci:c 1',
    });
    expect(parseTreesParams({ from: '2026-01-01T10:00:00+02:00' }, now).from).toEqual(new Date('2026-01-01T08:00:00Z'));
  });

  it('names every bad parameter', () => {
    expect(
      errors(() =>
        parseTreesParams({ from: '2026-02-30x', limit: '-1', offset: '20', origin: 'My CI', cursor: '12' }, now),
      ),
    ).toEqual({
      '/from': expect.stringContaining('ISO 8601'),
      '/limit': expect.stringContaining('an integer from 1'),
      '/offset': expect.stringContaining('not a parameter'),
      '/cursor': expect.stringContaining('the `next` of the previous page'),
      '/origin': expect.stringContaining('an origin'),
    });
    expect(errors(() => parseTreesParams({ from: '2026-03-09', to: '2026-03-01' }, now))).toEqual({
      '/from': 'must be earlier than to',
    });
    expect(errors(() => parseTreesParams({ origin: ['a', 'b'] }, now))).toEqual({ '/origin': 'must be given once' });
  });

  it('counts a limit above the largest page as the largest page, as every /api/v1 list does', () => {
    expect(parseTreesParams({ limit: '100000' }, now).limit).toBe(MAX_PAGE);
    expect(errors(() => parseTreesParams({ limit: '0' }, now))).toEqual({
      '/limit': expect.stringContaining('from 1'),
    });
  });

  it("checks each list's cursor against what its items are keyed by", () => {
    expect(parseHardwareParams({ cursor: 'acme,board-1' }, now).cursor).toBe('acme,board-1');
    expect(parsePathRollupParams({ build_id: 'myci:b', cursor: '' }, now).cursor).toBe('');
    expect(errors(() => parsePathRollupParams({ build_id: 'myci:b', cursor: 'a..b' }, now))).toEqual({
      '/cursor': expect.stringContaining('(a test path)'),
    });
    expect(errors(() => parseTestHistoryParams({ path: 'ltp', cursor: ['myci:t1', 'myci:t2'] }, now))).toEqual({
      '/cursor': 'must be given once',
    });
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
