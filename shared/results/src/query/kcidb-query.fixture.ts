// A small hand-made KCIDB data set whose query answers are worked out by hand in
// kcidb-query.test.ts. T is "now" for the queries; the default window is [T-7d, T).
import type { KcidbReport, KcidbTestInput } from '../report/kcidb-report.types.js';

export const T = new Date('2026-03-10T12:00:00Z');
export const at = (hours: number): string => new Date(T.getTime() + hours * 3600_000).toISOString();
const DAY = 24;

export const H1 = '1'.repeat(40);
export const H2 = '2'.repeat(40);
export const H3 = '3'.repeat(40);
export const P = 'a'.repeat(64);
const LINUX = 'https://git.example.org/linux.git';

const test = (
  id: string,
  build: string,
  path: string,
  status: KcidbTestInput['status'] | undefined,
  hours: number | undefined,
  env: { platform?: string; compatible?: string[] },
): KcidbTestInput => ({
  id: `${id.startsWith('ci_') ? '' : 'ci_a:'}${id}`,
  origin: id.startsWith('ci_') ? id.split(':')[0] : 'ci_a',
  build_id: build,
  path,
  ...(status ? { status } : {}),
  ...(hours === undefined ? {} : { start_time: at(hours) }),
  environment: {
    ...(env.compatible ? { compatible: env.compatible } : {}),
    ...(env.platform ? { misc: { platform: env.platform } } : {}),
  },
});

const qemu = { platform: 'qemu-x86' };

export const DATA_SET: KcidbReport = {
  version: { major: 5, minor: 3 },
  checkouts: [
    {
      id: 'ci_a:c1',
      origin: 'ci_a',
      tree_name: 'mainline',
      git_repository_branch: 'master',
      git_repository_url: LINUX,
      git_commit_hash: H1,
      patchset_hash: '',
      start_time: at(-3 * DAY),
      git_commit_tags: ['v6.1'],
    },
    {
      id: 'ci_a:c2',
      origin: 'ci_a',
      tree_name: 'mainline',
      git_repository_branch: 'master',
      git_repository_url: LINUX,
      git_commit_hash: H2,
      patchset_hash: '',
      start_time: at(-1 * DAY),
      git_commit_tags: ['v6.2-rc1'],
    },
    {
      id: 'ci_a:c3',
      origin: 'ci_a',
      tree_name: 'next',
      git_repository_branch: 'main',
      git_repository_url: 'https://git.example.org/next.git',
      git_commit_hash: H3,
      patchset_hash: '',
      start_time: at(-2 * DAY),
    },
    {
      id: 'ci_b:c4',
      origin: 'ci_b',
      tree_name: 'mainline',
      git_repository_branch: 'master',
      git_repository_url: LINUX,
      git_commit_hash: H2,
      start_time: at(-1 * DAY + 1),
    },
    {
      id: 'ci_a:c5',
      origin: 'ci_a',
      tree_name: 'mainline',
      git_repository_branch: 'master',
      git_repository_url: LINUX,
      git_commit_hash: H1,
      patchset_hash: '',
      start_time: at(-30 * DAY),
    },
    {
      id: 'ci_a:c6',
      origin: 'ci_a',
      tree_name: 'mainline',
      git_repository_branch: 'master',
      git_repository_url: LINUX,
      git_commit_hash: H2,
      patchset_hash: P,
      start_time: at(-1 * DAY - 1),
    },
  ],
  builds: [
    {
      id: 'ci_a:b1',
      origin: 'ci_a',
      checkout_id: 'ci_a:c2',
      architecture: 'x86_64',
      config_name: 'defconfig',
      status: 'PASS',
    },
    {
      id: 'ci_a:b2',
      origin: 'ci_a',
      checkout_id: 'ci_a:c2',
      architecture: 'arm64',
      config_name: 'defconfig',
      status: 'FAIL',
    },
    { id: 'ci_a:b3', origin: 'ci_a', checkout_id: 'ci_a:c2', architecture: 'x86_64', config_name: 'allmodconfig' },
    {
      id: 'ci_b:b4',
      origin: 'ci_b',
      checkout_id: 'ci_b:c4',
      architecture: 'x86_64',
      config_name: 'defconfig',
      status: 'PASS',
    },
    {
      id: 'ci_a:b5',
      origin: 'ci_a',
      checkout_id: 'ci_a:c3',
      architecture: 'riscv',
      config_name: 'defconfig',
      status: 'ERROR',
    },
    {
      id: 'ci_a:b6',
      origin: 'ci_a',
      checkout_id: 'ci_a:c1',
      architecture: 'x86_64',
      config_name: 'defconfig',
      status: 'PASS',
    },
    {
      id: 'ci_a:b7',
      origin: 'ci_a',
      checkout_id: 'ci_a:c6',
      architecture: 'x86_64',
      config_name: 'tinyconfig',
      status: 'PASS',
    },
  ],
  tests: [
    test('t1', 'ci_a:b1', 'boot', 'PASS', -DAY + 0.1, qemu),
    test('t2', 'ci_a:b1', 'boot.start', 'PASS', -DAY + 0.2, qemu),
    test('t3', 'ci_a:b1', 'boot.login', 'FAIL', -DAY + 0.3, qemu),
    test('t4', 'ci_a:b1', 'ltp.sem01', 'PASS', -DAY + 0.4, { compatible: ['acme,board-1', 'acme,soc'] }),
    test('t5', 'ci_a:b1', 'ltp.sem02', 'SKIP', -DAY + 0.5, {
      compatible: ['acme,board-1'],
      platform: 'board1-platform',
    }),
    test('t6', 'ci_a:b1', 'kselftest.net.ip', 'ERROR', -DAY + 0.6, qemu),
    test('t7', 'ci_a:b2', 'boot', 'FAIL', -DAY + 0.7, { compatible: ['acme,board-2'] }),
    test('t8', 'ci_a:b2', 'ltp.sem01', 'MISS', -DAY + 0.8, { compatible: ['acme,board-2'] }),
    test('ci_b:t9', 'ci_b:b4', 'boot', 'PASS', -DAY + 1.1, qemu),
    test('ci_b:t10', 'ci_b:b4', 'ltp.sem01', 'FAIL', -DAY + 1.2, qemu),
    // another CI's result on ci_a's build
    test('ci_c:t11', 'ci_a:b1', 'ltp.sem01', 'DONE', -DAY + 0.5, qemu),
    test('t12', 'ci_a:b5', 'boot', 'PASS', -2 * DAY, { compatible: ['acme,board-1'] }),
    test('t13', 'ci_a:b6', 'ltp.sem01', 'PASS', -3 * DAY, qemu),
    test('t14', 'ci_a:b7', 'ltp.sem01', 'FAIL', -DAY - 0.5, qemu),
    // outside the default window
    test('t15', 'ci_a:b6', 'ltp.sem01', 'FAIL', -30 * DAY, qemu),
    // no start time: counted under its build, never in a time window
    test('t16', 'ci_a:b1', 'ltp.sem03', 'PASS', undefined, {}),
    // no path: a test, not a boot
    { id: 'ci_a:t17', origin: 'ci_a', build_id: 'ci_a:b2', status: 'FAIL', start_time: at(-DAY + 0.9) },
  ],
};
