// How one origin's KCIDB builds and tests of a dist-git commit read as one commit status.
import { describe, expect, it } from '@jest/globals';
import type { KcidbCount } from '../stream.repository.js';
import { kcidbStatusName, summariseOrigin } from './kcidb.reporter.js';

const count = (kind: KcidbCount['kind'], status: string | null, n = 1, logUrl: string | null = null): KcidbCount => ({
  kind,
  origin: 'myci',
  status,
  count: n,
  logUrl,
});

describe('summariseOrigin', () => {
  it('takes the worst status in KCIDB order and links the log of a worst result', () => {
    expect(
      summariseOrigin([
        count('test', 'PASS', 4, 'https://ci/pass'),
        count('test', 'MISS', 1, 'https://ci/miss'),
        count('test', 'ERROR', 2, 'https://ci/error'),
      ]),
    ).toEqual({ state: 'error', title: '7 tests: 2 ERROR, 1 MISS, 4 PASS', logUrl: 'https://ci/error' });
  });

  it('is running while a result has no status and nothing went wrong, and failed as soon as something did', () => {
    expect(summariseOrigin([count('build', 'PASS'), count('test', null, 3)])).toMatchObject({
      state: 'running',
      title: '1 build: 1 PASS; 3 tests: 3 running',
    });
    expect(summariseOrigin([count('build', 'FAIL'), count('test', null)])).toMatchObject({ state: 'failure' });
  });

  it('reports only skipped results as skipped, and statuses with nothing finished yet as running', () => {
    expect(summariseOrigin([count('test', 'SKIP', 2)])).toEqual({ state: 'skipped', title: '2 tests: 2 SKIP' });
    expect(summariseOrigin([count('build', null)])).toMatchObject({ state: 'running', title: '1 build: 1 running' });
  });

  it('names the status after the origin', () => {
    expect(kcidbStatusName('redhat_ci')).toBe('kcidb: redhat_ci');
  });
});
