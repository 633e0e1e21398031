// The KCIDB report the results benchmarks submit: report n of 1,000 tests (and 10 builds
// of one checkout), its tests over the last 1,000 s, so in the current hour (or the one before).
import type { KcidbReport } from '@packflow/results';

export const TESTS_PER_REPORT = 1000;

export function report(n: number): KcidbReport {
  const checkout = `bench:c${n}`;
  // The tests run over the last 1,000 s, so they land in the current hour (or the one before).
  const start = Date.now() - (TESTS_PER_REPORT + 60) * 1000;
  const builds = Array.from({ length: 10 }, (_, b) => ({
    id: `bench:c${n}-b${b}`,
    origin: 'bench',
    checkout_id: checkout,
    architecture: b % 2 ? 'arm64' : 'x86_64',
    config_name: b % 3 ? 'defconfig' : 'allmodconfig',
    status: (b % 7 ? 'PASS' : 'FAIL') as 'PASS' | 'FAIL',
    start_time: new Date(start).toISOString(),
    duration: 600 + b,
    log_url: `https://logs.example.org/${n}/${b}/build.log`,
  }));
  const paths = [
    'boot',
    'boot.start',
    'boot.login',
    'ltp.sem01',
    'ltp.sem02',
    'kselftest.net.ip',
    'kselftest.timers.nanosleep',
  ];
  const statuses = ['PASS', 'PASS', 'PASS', 'FAIL', 'SKIP', 'ERROR', 'DONE', 'MISS'] as const;
  const tests = Array.from({ length: TESTS_PER_REPORT }, (_, t) => ({
    id: `bench:c${n}-t${t}`,
    origin: 'bench',
    build_id: builds[t % builds.length].id,
    path: `${paths[t % paths.length]}${t >= paths.length * 10 ? `.case${t}` : ''}`,
    status: statuses[t % statuses.length],
    start_time: new Date(start + t * 1000).toISOString(),
    duration: (t % 90) + 0.5,
    log_url: `https://logs.example.org/${n}/tests/${t}.log`,
    environment: t % 2 ? { compatible: [`acme,board-${t % 20}`, 'acme,soc'] } : { misc: { platform: `qemu-${t % 5}` } },
    misc: { runtime: 'lava', job: `${n}-${t}` },
  }));
  return {
    version: { major: 5, minor: 3 },
    checkouts: [
      {
        id: checkout,
        origin: 'bench',
        tree_name: 'mainline',
        git_repository_url: 'https://git.example.org/linux.git',
        git_repository_branch: 'master',
        git_commit_hash: (n + 1).toString(16).padStart(40, '0'),
        patchset_hash: '',
        start_time: new Date(start).toISOString(),
      },
    ],
    builds,
    tests,
  };
}
