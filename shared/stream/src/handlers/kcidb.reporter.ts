// Reports KCIDB results that other CI systems submitted for a sync's dist-git commit on the
// source-git merge request: one commit status per origin (`kcidb: <origin>`), summarising
// its builds and tests with the worst status among them. The summary is read from the
// results store each time, not from the message, so a redelivery or a later submission of
// the same origin updates the one status (GitLab keeps one status per name and commit).
import type { Logger } from '@packflow/core';
import type { KcidbLoadedMessage } from '@packflow/events';
import type { GitlabForge, ReportState } from '@packflow/forges';
import type { KcidbCount, StreamRepository } from '../stream.repository.js';
import { PACKFLOW_ORIGIN } from './ci-results.recorder.js';

/** KCIDB statuses from worst to best, and the state each is reported as; null (not finished) is `running`. */
const RANKED: readonly { status: string | null; state: ReportState }[] = [
  { status: 'FAIL', state: 'failure' },
  { status: 'ERROR', state: 'error' },
  { status: 'MISS', state: 'error' },
  { status: null, state: 'running' },
  { status: 'PASS', state: 'success' },
  { status: 'DONE', state: 'success' },
  { status: 'SKIP', state: 'skipped' },
];

/** The commit status name of an origin's KCIDB results. */
export const kcidbStatusName = (origin: string) => `kcidb: ${origin}`;

const rank = (status: string | null) => {
  const i = RANKED.findIndex((r) => r.status === status);
  return i < 0 ? RANKED.length : i;
};

/** One origin's counts -> the reported state (the worst status's), title and the log of the worst. */
export function summariseOrigin(counts: readonly KcidbCount[]): { state: ReportState; title: string; logUrl?: string } {
  const worst = [...counts].sort((a, b) => rank(a.status) - rank(b.status))[0]!;
  const part = (kind: KcidbCount['kind'], noun: string) => {
    const of = counts.filter((c) => c.kind === kind);
    if (of.length === 0) return undefined;
    const total = of.reduce((n, c) => n + c.count, 0);
    const by = [...of].sort((a, b) => rank(a.status) - rank(b.status));
    return `${total} ${noun}${total === 1 ? '' : 's'}: ${by.map((c) => `${c.count} ${c.status ?? 'running'}`).join(', ')}`;
  };
  return {
    state: RANKED[rank(worst.status)]?.state ?? 'neutral',
    title: [part('build', 'build'), part('test', 'test')].filter(Boolean).join('; '),
    ...(worst.logUrl ? { logUrl: worst.logUrl } : {}),
  };
}

export class KcidbReporter {
  constructor(
    private readonly repository: StreamRepository,
    private readonly forge: GitlabForge,
    private readonly logger: Logger,
  ) {}

  /** Reports every origin's results for each commit of `message` that is a sync's dist-git commit. */
  async loaded(message: KcidbLoadedMessage, logger: Logger = this.logger): Promise<void> {
    for (const distGitSha of message.commits) {
      const syncs = await this.repository.sourceGitOfDistGitCommit(distGitSha);
      if (syncs.length === 0) continue;
      const byOrigin = new Map<string, KcidbCount[]>();
      for (const c of await this.repository.kcidbCounts(distGitSha, PACKFLOW_ORIGIN))
        byOrigin.set(c.origin, [...(byOrigin.get(c.origin) ?? []), c]);
      for (const [origin, counts] of byOrigin) {
        const summary = summariseOrigin(counts);
        for (const sourceGit of syncs) {
          await this.forge.reportStatus(
            { namespace: sourceGit.namespace, repo: sourceGit.repo },
            {
              name: kcidbStatusName(origin),
              sha: sourceGit.sha,
              state: summary.state,
              title: summary.title,
              ...(summary.logUrl ? { detailsUrl: summary.logUrl } : {}),
            },
          );
        }
        logger.info(
          { submission: message.submissionId, distGitSha, origin, state: summary.state, syncs: syncs.length },
          'KCIDB results reported on source-git',
        );
      }
    }
  }
}
