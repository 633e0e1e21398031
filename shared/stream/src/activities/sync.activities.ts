// The steps of a source-git -> dist-git sync, as engine activities: convert (the source-git
// merge request's head into a dist-git commit), push (force, to a branch of the identity's
// fork of dist-git), merge request (find the one from that branch, else open it; link both
// merge requests once), CI (the dist-git merge request's pipeline, whose results come back
// as GitLab Pipeline Hooks). Each is idempotent: a retry after a crash converts to the
// same commit (the dates are the source-git commit's), pushes the same commit, finds the
// merge request and the link notes it made, and never opens a second merge request.
import { join } from 'node:path';
import { PackflowError, ValidationError, type Logger } from '@packflow/core';
import type { ActivityDefinition, Signal, SubmitResult, TargetTask } from '@packflow/engine';
import type { GitlabForge, GitlabMergeRequest, GitlabProject, RepoId } from '@packflow/forges';
import { updateDistGit, type GitRepository } from '@packflow/source-git';
import type { StreamRepository } from '../stream.repository.js';
import type { StreamSettings } from '../stream.settings.js';
import type { GitWorkspace } from '@packflow/source-git';

/** What every step of a sync knows (the step options, written when the pipeline starts). */
export interface SyncOptions {
  pairId: string;
  sourceGit: {
    /** `redhat/centos-stream/src/bash`. */
    path: string;
    /** The project the merge request's branch is in (a fork, or the project itself). */
    sourceProject: string;
    sourceBranch: string;
    mr: number;
    url: string | null;
    title: string;
  };
  distGit: { path: string; branch: string };
  forkBranch: string;
}

export interface SyncDeps {
  forge: GitlabForge;
  repository: StreamRepository;
  workspace: GitWorkspace;
  settings: Readonly<StreamSettings>;
  logger: Logger;
}

/** The note both merge requests get once, found again by this marker. */
export const LINK_MARKER = '<!-- packflow:stream-link -->';

const RETRY = { maxAttempts: 5, initialDelayMs: 5_000, backoffFactor: 2, maxDelayMs: 300_000 };

export function repoOf(path: string): RepoId {
  const i = path.lastIndexOf('/');
  return { namespace: path.slice(0, i), repo: path.slice(i + 1) };
}

export function syncOptions(task: Pick<TargetTask, 'options'>): SyncOptions {
  const o = task.options as unknown as SyncOptions;
  if (!o?.pairId || !o.sourceGit || !o.distGit || !o.forkBranch)
    throw new ValidationError('a sync step without its sync options (pairId, sourceGit, distGit, forkBranch)');
  return o;
}

/** A step that finished within submit: its result, applied by the engine at once. */
const finished = (externalId: string, done: Signal, webUrl?: string): SubmitResult => ({ externalId, webUrl, done });

class NothingToSync extends PackflowError {
  constructor(what: string) {
    super('nothing_to_sync', what, { retryable: false });
  }
}

export class SyncActivities {
  constructor(private readonly d: SyncDeps) {}

  private async project(path: string): Promise<GitlabProject> {
    const project = await this.d.forge.project(repoOf(path));
    if (!project) throw new ValidationError(`GitLab has no project ${path} (or the stream identity cannot see it)`);
    return project;
  }

  /**
   * Converts the merge request's head into one dist-git commit in `dir`/dist-git. The
   * commit's dates are the source-git commit's, so the same input gives the same sha.
   */
  async convertInto(
    dir: string,
    o: SyncOptions,
    sha: string,
  ): Promise<{ repo: GitRepository; sha: string; patches: string[] }> {
    const { workspace, settings } = this.d;
    const sg = await workspace.clone(
      (await this.project(o.sourceGit.sourceProject)).httpUrlToRepo,
      join(dir, 'source-git'),
      o.sourceGit.sourceBranch,
    );
    if (!(await sg.resolveCommit(sha)))
      throw new NothingToSync(
        `${sha.slice(0, 12)} is no longer on ${o.sourceGit.sourceBranch} (a newer push replaced it)`,
      );
    await sg.checkout(sha);
    const dg = await workspace.clone(
      (await this.project(o.distGit.path)).httpUrlToRepo,
      join(dir, 'dist-git'),
      o.distGit.branch,
    );
    await dg.checkout(`origin/${o.distGit.branch}`, { branch: o.forkBranch });
    const head = await sg.commit(sha);
    const message = [
      o.sourceGit.title,
      '',
      `Synced from source-git merge request ${o.sourceGit.url ?? `${o.sourceGit.path}!${o.sourceGit.mr}`}.`,
    ].join('\n');
    const result = await updateDistGit(sg.dir, dg.dir, {
      message,
      identity: { ...settings.gitIdentity, date: head.author.date },
    });
    if (!result.commit) throw new NothingToSync('the conversion changes nothing in dist-git');
    return { repo: dg, sha: result.commit, patches: result.patches.map((p) => p.file) };
  }

  convert(): ActivityDefinition {
    return this.definition(async (task) => {
      const o = syncOptions(task);
      try {
        const { sha, patches } = await this.convertInto(
          this.d.workspace.dirFor(task.idempotencyKey),
          o,
          task.pipeline.commitSha,
        );
        return finished(sha, { state: 'success', data: { distGitSha: sha, patches } });
      } catch (error) {
        // The change itself cannot be converted (a patch that does not apply, no %prep…): a failure, not a retry.
        if (error instanceof ValidationError || error instanceof NothingToSync)
          return finished(`failed:${task.idempotencyKey}`, { state: 'failure', reason: error.message });
        throw error;
      }
    });
  }

  push(): ActivityDefinition {
    return this.definition(async (task) => {
      const o = syncOptions(task);
      const converted = task.inputs.find((t) => typeof t.data?.distGitSha === 'string');
      if (!converted) throw new ValidationError('the push step has no converted commit to push');
      const sha = converted.data!.distGitSha as string;
      const dir = this.d.workspace.dirFor(converted.idempotencyKey ?? task.idempotencyKey);
      let dg = await this.d.workspace.existing(join(dir, 'dist-git'));
      if (!dg || !(await dg.resolveCommit(sha))) {
        // Another process converted (or this one crashed since): convert again, to the same commit.
        const again = await this.convertInto(dir, o, task.pipeline.commitSha);
        if (again.sha !== sha)
          throw new ValidationError(`converting again gave ${again.sha.slice(0, 12)}, not ${sha.slice(0, 12)}`);
        dg = again.repo;
      }
      const fork = await this.fork(o.distGit.path);
      await dg.push(this.d.workspace.remote(fork.httpUrlToRepo), [`${sha}:refs/heads/${o.forkBranch}`], {
        force: true,
      });
      await this.d.workspace.remove(dir);
      return finished(`${fork.pathWithNamespace}:${o.forkBranch}@${sha}`, {
        state: 'success',
        data: { distGitSha: sha, fork: fork.pathWithNamespace },
      });
    });
  }

  /** The identity's fork of a dist-git project, forked now when it has none. */
  private async fork(distGitPath: string): Promise<GitlabProject> {
    const dist = repoOf(distGitPath);
    const namespace = this.d.settings.forkNamespace;
    const existing = await this.d.forge.project({ namespace, repo: dist.repo });
    if (existing) {
      if (existing.forkedFromId === null)
        throw new ValidationError(`${namespace}/${dist.repo} exists and is not a fork of ${distGitPath}`);
      return existing;
    }
    return this.d.forge.forkProject(dist, namespace);
  }

  mergeRequest(): ActivityDefinition {
    return this.definition(async (task) => {
      const o = syncOptions(task);
      const pushed = task.inputs.find((t) => typeof t.data?.fork === 'string');
      if (!pushed) throw new ValidationError('the merge request step has no pushed branch');
      const { distGitSha, fork: forkPath } = pushed.data as { distGitSha: string; fork: string };
      const fork = await this.project(forkPath);
      const dist = await this.project(o.distGit.path);
      const distRepo = repoOf(o.distGit.path);
      const title = o.sourceGit.title;
      const description = [
        `${LINK_MARKER}`,
        `This merge request is kept in sync with the source-git merge request ${o.sourceGit.url ?? `${o.sourceGit.path}!${o.sourceGit.mr}`} by packflow.`,
        'Changes belong there: the next sync force-pushes this branch.',
      ].join('\n');
      // Find before opening: a retry after a crash, or a new commit, reuses the merge request.
      const existing = await this.d.forge.findMergeRequests(distRepo, {
        sourceBranch: o.forkBranch,
        sourceProjectId: fork.id,
        state: 'all',
      });
      let mr: GitlabMergeRequest | undefined =
        existing.find((m) => m.state === 'opened') ?? existing.find((m) => m.state === 'closed');
      if (mr?.state === 'opened') {
        if (mr.title !== title) mr = await this.d.forge.updateMergeRequest(distRepo, mr.iid, { title });
      } else if (mr) {
        mr = await this.d.forge.updateMergeRequest(distRepo, mr.iid, { stateEvent: 'reopen', title });
      } else {
        mr = await this.d.forge.createMergeRequest(repoOf(fork.pathWithNamespace), {
          sourceBranch: o.forkBranch,
          targetBranch: o.distGit.branch,
          targetProjectId: dist.id,
          title,
          description,
        });
      }
      await this.d.repository.recordSynced(o.pairId, {
        distGitMr: String(mr.iid),
        sourceGitSha: task.pipeline.commitSha,
        distGitSha,
        stepId: task.stepId,
      });
      await this.linkOnce(distRepo, mr.iid, description);
      await this.linkOnce(
        repoOf(o.sourceGit.path),
        o.sourceGit.mr,
        [
          LINK_MARKER,
          `packflow opened the dist-git merge request ${mr.webUrl} for this merge request and keeps it in sync:`,
          'new commits here update it, closing this one closes it. Its CI results are reported here as commit statuses.',
        ].join('\n'),
      );
      return finished(
        `${o.distGit.path}!${mr.iid}`,
        { state: 'success', webUrl: mr.webUrl, data: { distGitMr: mr.iid, distGitSha, mergeRequestUrl: mr.webUrl } },
        mr.webUrl,
      );
    });
  }

  /** Posts the link note unless the merge request has it already (a retry). */
  private async linkOnce(repo: RepoId, iid: number, body: string): Promise<void> {
    const notes = await this.d.forge.mergeRequestNotes(repo, iid);
    if (notes.some((n) => n.body.includes(LINK_MARKER))) return;
    await this.d.forge.comment(repo, { pullRequest: iid }, body);
  }

  /**
   * The dist-git merge request's CI: its results arrive as Pipeline Hooks for the dist-git
   * commit (the external id). A rerun (`/packit test`) asks GitLab for a new pipeline.
   */
  ci(): ActivityDefinition {
    return {
      submit: async (tasks) =>
        Promise.all(
          tasks.map(async (task) => {
            const o = syncOptions(task);
            const mr = task.inputs.find((t) => t.data?.distGitMr !== undefined);
            if (!mr) throw new ValidationError('the CI step has no dist-git merge request');
            const { distGitMr, distGitSha, mergeRequestUrl } = mr.data as {
              distGitMr: number;
              distGitSha: string;
              mergeRequestUrl: string;
            };
            if (task.target.attempt > 1)
              await this.d.forge.createMergeRequestPipeline(repoOf(o.distGit.path), distGitMr);
            return { externalId: ciExternalId(o.distGit.path, distGitSha), webUrl: `${mergeRequestUrl}/pipelines` };
          }),
        ),
      timeoutMs: 60_000,
      retry: RETRY,
      pollAfterMs: 3_600_000,
      finalDeadlineMs: 3 * 24 * 3_600_000,
    };
  }

  /** A step done within submit, one target at a time. */
  private definition(run: (task: TargetTask) => Promise<SubmitResult>): ActivityDefinition {
    return {
      submit: async (tasks) => {
        const results: SubmitResult[] = [];
        for (const task of tasks) results.push(await run(task));
        return results;
      },
      // A crash after the work but before its result was applied: do it again (idempotent) for the result.
      poll: async (task) => (await run(task)).done,
      timeoutMs: 10 * 60_000,
      retry: RETRY,
      pollAfterMs: 15 * 60_000,
      finalDeadlineMs: 24 * 3_600_000,
    };
  }
}

/** How a dist-git CI result names its target: the dist-git project and commit. */
export function ciExternalId(distGitPath: string, sha: string): string {
  return `${distGitPath}@${sha}`;
}
