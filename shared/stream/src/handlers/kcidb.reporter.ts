// Reports KCIDB results that other CI systems submitted for a sync's dist-git commit on the
// source-git merge request: one commit status per origin (`kcidb: <origin>`), summarising
// its builds and tests with the worst status among them. The summary is read from the
// results store each time, not from the message, so a redelivery or a later submission of
// the same origin updates its status: GitLab updates a status still running and adds a
// newer one of the name after a finished one, so an unchanged summary is not posted again.
import { KCIDB_STATUSES, type KcidbStatus, type Logger } from '@packflow/core';
import type { KcidbLoadedMessage } from '@packflow/events';
import type { GitlabForge, ReportState } from '@packflow/forges';
import { summarizeKcidbStatus } from '@packflow/results';
import type { KcidbCount, StreamRepository } from '../stream.repository.js';
import { PACKFLOW_ORIGIN } from './ci-results.recorder.js';

/** Each KCIDB status as a commit status state. */
const STATES: Record<KcidbStatus, ReportState> = {
  FAIL: 'failure',
  ERROR: 'error',
  MISS: 'error',
  PASS: 'success',
  DONE: 'success',
  SKIP: 'skipped',
};

/** The commit status name of an origin's KCIDB results. */
export const kcidbStatusName = (origin: string) => `kcidb: ${origin}`;

/** Worst first (KCIDB's order), unfinished (null) last. */
const order = (status: string | null) => {
  const i = (KCIDB_STATUSES as readonly string[]).indexOf(status ?? '');
  return i < 0 ? KCIDB_STATUSES.length : i;
};

/**
 * One origin's counts -> the reported state, title and the log of a result with the worst
 * status. The worst status is KCIDB's summary (`summarizeKcidbStatus`); while anything is
 * unfinished and nothing has gone wrong yet, the origin is `running`.
 */
export function summariseOrigin(counts: readonly KcidbCount[]): { state: ReportState; title: string; logUrl?: string } {
  const sorted = [...counts].sort((a, b) => order(a.status) - order(b.status));
  const worst = summarizeKcidbStatus(counts.map((c) => c.status as KcidbStatus | null));
  const bad = worst === 'FAIL' || worst === 'ERROR' || worst === 'MISS';
  const state: ReportState =
    !bad && counts.some((c) => c.status === null) ? 'running' : worst ? STATES[worst] : 'neutral';
  const part = (kind: KcidbCount['kind'], noun: string) => {
    const of = sorted.filter((c) => c.kind === kind);
    if (of.length === 0) return undefined;
    const total = of.reduce((n, c) => n + c.count, 0);
    return `${total} ${noun}${total === 1 ? '' : 's'}: ${of.map((c) => `${c.count} ${c.status ?? 'running'}`).join(', ')}`;
  };
  const logUrl = sorted.find((c) => c.logUrl)?.logUrl;
  return {
    state,
    title: [part('build', 'build'), part('test', 'test')].filter(Boolean).join('; '),
    ...(logUrl ? { logUrl } : {}),
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
          const repo = { namespace: sourceGit.namespace, repo: sourceGit.repo };
          // GitLab adds a status for every post once the last one is finished: the same summary is not posted again.
          const reported = await this.forge.findCommitStatus(repo, sourceGit.sha, kcidbStatusName(origin));
          if (reported?.description === summary.title && reported.targetUrl === (summary.logUrl ?? null)) continue;
          await this.forge.reportStatus(repo, {
            name: kcidbStatusName(origin),
            sha: sourceGit.sha,
            state: summary.state,
            title: summary.title,
            ...(summary.logUrl ? { detailsUrl: summary.logUrl } : {}),
          });
        }
        logger.info(
          { submission: message.submissionId, distGitSha, origin, state: summary.state, syncs: syncs.length },
          'KCIDB results reported on source-git',
        );
      }
    }
  }
}
