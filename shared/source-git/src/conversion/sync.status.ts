// Whether a source-git and a dist-git repository are in sync, as Packit decides it: the
// newest pair of commits linked by a From-source-git-commit trailer (in dist-git) or a
// From-dist-git-commit trailer (in source-git) is the sync point; commits after it on
// either side have no counterpart yet.
import { ValidationError } from '@packflow/core';
import type { CommitInfo, GitRepository } from '../git/git.repository.js';
import { FROM_DIST_GIT, FROM_SOURCE_GIT } from './patch-trailers.js';

export interface CommitSummary {
  sha: string;
  subject: string;
}

export interface SyncPoint {
  sourceGit: string;
  distGit: string;
  /** Which repository's trailer links them. */
  recordedIn: 'source-git' | 'dist-git';
}

export interface SyncStatus {
  inSync: boolean;
  /** The newest linked pair; null when neither repository has a trailer yet. */
  syncPoint: SyncPoint | null;
  /** Source-git commits after the sync point (without one: since upstream_ref), oldest first. */
  sourceGitOnly: CommitSummary[];
  /** Dist-git commits after the sync point (without one: all of them), oldest first. */
  distGitOnly: CommitSummary[];
}

const summary = (c: CommitInfo): CommitSummary => ({ sha: c.sha, subject: c.subject });

/** The newest commit of `repo` (from HEAD) with `key` trailer, and that trailer's commit in `other`. */
async function newestLink(
  repo: GitRepository,
  other: GitRepository,
  key: string,
): Promise<{ here: string; there: string } | undefined> {
  if (!(await repo.resolveCommit('HEAD'))) return undefined;
  const candidates = await repo.log(['HEAD'], { newestFirst: true, grep: `^${key}:` });
  for (const c of candidates) {
    const [value] = await repo.trailerValues(c.sha, key);
    if (!value) continue; // mentioned in the body, not a trailer
    const there = await other.resolveCommit(value);
    if (!there) {
      throw new ValidationError(
        `${key}: ${value} (trailer of commit ${c.sha.slice(0, 12)} in ${repo.dir}) names no commit of ${other.dir}`,
      );
    }
    return { here: c.sha, there };
  }
  return undefined;
}

/**
 * The sync status. `upstreamRef` (the source-git commit of upstream_ref) bounds the
 * source-git commits listed when there is no sync point yet.
 */
export async function syncStatus(
  sourceGit: GitRepository,
  distGit: GitRepository,
  upstreamRef?: string,
): Promise<SyncStatus> {
  const fromDist = await newestLink(sourceGit, distGit, FROM_DIST_GIT);
  const fromSource = await newestLink(distGit, sourceGit, FROM_SOURCE_GIT);
  let syncPoint: SyncPoint | null = null;
  if (fromDist && fromSource) {
    // The newer pair is the one whose source-git commit comes later in history.
    syncPoint = (await sourceGit.isAncestor(fromDist.here, fromSource.there))
      ? { sourceGit: fromSource.there, distGit: fromSource.here, recordedIn: 'dist-git' }
      : { sourceGit: fromDist.here, distGit: fromDist.there, recordedIn: 'source-git' };
  } else if (fromDist) {
    syncPoint = { sourceGit: fromDist.here, distGit: fromDist.there, recordedIn: 'source-git' };
  } else if (fromSource) {
    syncPoint = { sourceGit: fromSource.there, distGit: fromSource.here, recordedIn: 'dist-git' };
  }

  const distHead = await distGit.resolveCommit('HEAD');
  if (!syncPoint) {
    const sourceGitOnly = await sourceGit.log([upstreamRef ? `${upstreamRef}..HEAD` : 'HEAD']);
    const distGitOnly = distHead ? await distGit.log(['HEAD']) : [];
    return {
      inSync: false,
      syncPoint,
      sourceGitOnly: sourceGitOnly.map(summary),
      distGitOnly: distGitOnly.map(summary),
    };
  }
  for (const [repo, sha] of [
    [sourceGit, syncPoint.sourceGit],
    [distGit, syncPoint.distGit],
  ] as const) {
    if (!(await repo.isAncestor(sha, 'HEAD'))) {
      throw new ValidationError(
        `the sync point ${sha.slice(0, 12)} is not in the history of HEAD in ${repo.dir}; was the history rewritten?`,
      );
    }
  }
  const sourceGitOnly = (await sourceGit.log([`${syncPoint.sourceGit}..HEAD`])).map(summary);
  const distGitOnly = (await distGit.log([`${syncPoint.distGit}..HEAD`])).map(summary);
  return { inSync: !sourceGitOnly.length && !distGitOnly.length, syncPoint, sourceGitOnly, distGitOnly };
}
