// A push to a dist-git branch that did not come from source-git (a provenpackager's
// release bump): brought back to source-git as a merge request (update-source-git), or,
// when it changes patches or `sources` (code belongs in source-git), a comment on the
// pushed commit saying why not. Each pushed commit is handled once (a sync run per commit).
import { join } from 'node:path';
import { PackflowError, type Logger } from '@packflow/core';
import type { EventMessageMeta, EventOfType } from '@packflow/events';
import { commentMarker, type GitlabForge } from '@packflow/forges';
import { FROM_SOURCE_GIT, SyncRefusedError, updateSourceGit } from '@packflow/source-git';
import { repoOf } from '../activities/sync.activities.js';
import type { StreamRepository } from '../stream.repository.js';
import { sourceGitNamespaceOf, type StreamSettings } from '../stream.settings.js';
import type { GitWorkspace } from '@packflow/source-git';

type PushEvent = EventOfType<'push.branch'> & EventMessageMeta;

export interface DistGitPushesDeps {
  forge: GitlabForge;
  repository: StreamRepository;
  workspace: GitWorkspace;
  settings: Readonly<StreamSettings>;
}

export class DistGitPushes {
  constructor(private readonly d: DistGitPushesDeps) {}

  async handle(event: PushEvent, logger: Logger): Promise<void> {
    const { project, sha } = event;
    const branch = event.ref.name;
    const distPath = `${project.namespace}/${project.repo}`;
    const sourcePath = `${sourceGitNamespaceOf(project.namespace)}/${project.repo}`;
    const row = await this.d.repository.event(event.eventId);
    if (!row) throw new PackflowError('event_not_recorded', `event ${event.eventId} has no project recorded`);
    const sourceGitProjectId = await this.d.repository.projectId({
      ...project,
      namespace: sourceGitNamespaceOf(project.namespace)!,
    });
    const runId = await this.d.repository.startSyncRun({
      distGitProjectId: row.projectId,
      distGitSha: sha,
      branch,
      sourceGitProjectId,
      eventId: event.eventId,
    });
    if (!runId) return;
    const dir = this.d.workspace.dirFor(`dist-git-push:${distPath}@${sha}`);
    try {
      const outcome = await this.bringBack(event, { distPath, sourcePath, branch, dir }, logger);
      await this.d.repository.finishSyncRun(runId, outcome);
    } catch (error) {
      await this.d.repository.finishSyncRun(runId, { status: 'error', reason: (error as Error).message });
      throw error;
    } finally {
      await this.d.workspace.remove(dir);
    }
  }

  private async bringBack(
    event: PushEvent,
    where: { distPath: string; sourcePath: string; branch: string; dir: string },
    logger: Logger,
  ): Promise<{ status: 'success' | 'failure' | 'skipped'; sourceGitMr?: string; reason?: string }> {
    const { forge, workspace, settings } = this.d;
    const { sha } = event;
    const dist = await forge.project(repoOf(where.distPath));
    const source = await forge.project(repoOf(where.sourcePath));
    if (!dist || !source) return { status: 'skipped', reason: `no source-git project ${where.sourcePath}` };
    const dg = await workspace.clone(dist.httpUrlToRepo, join(where.dir, 'dist-git'), where.branch);
    await dg.checkout(sha);
    const before = event.push.before && !/^0+$/.test(event.push.before) ? event.push.before : `${sha}~1`;
    const pushed = await dg.log([`${before}..${sha}`]);
    const foreign = pushed.filter((c) => !c.message.includes(`${FROM_SOURCE_GIT}:`));
    if (foreign.length === 0) return { status: 'skipped', reason: 'every pushed commit came from source-git' };
    const sg = await workspace.clone(source.httpUrlToRepo, join(where.dir, 'source-git'), where.branch);
    let made;
    try {
      made = await updateSourceGit(dg.dir, sg.dir, { identity: settings.gitIdentity });
    } catch (error) {
      if (!(error instanceof SyncRefusedError)) throw error;
      // Once per commit: a redelivered push finds the comment by its marker.
      const marker = commentMarker(`push-refused:${where.branch}:${sha}`);
      if (!(await forge.commitComments(repoOf(where.distPath), sha)).some((c) => c.includes(marker)))
        await forge.commitComment(
          repoOf(where.distPath),
          sha,
          [
            `packflow cannot bring this push back to source-git (${where.sourcePath}, branch ${where.branch}):`,
            '',
            error.message,
            '',
            'Patches and the sources file are code: change them in source-git, whose merge request updates dist-git.',
            '',
            marker,
          ].join('\n'),
        );
      logger.info({ sha }, 'dist-git push refused for source-git: patches or sources changed');
      return { status: 'failure', reason: error.message };
    }
    if (made.commits.length === 0) return { status: 'skipped', reason: 'source-git has these changes already' };
    const syncBranch = `dist-git-sync-${where.branch}-${sha.slice(0, 12)}`;
    await sg.push(workspace.remote(source.httpUrlToRepo), [`HEAD:refs/heads/${syncBranch}`], { force: true });
    const existing = await forge.findMergeRequests(repoOf(where.sourcePath), {
      sourceBranch: syncBranch,
      sourceProjectId: source.id,
      state: 'all',
    });
    const mr =
      existing[0] ??
      (await forge.createMergeRequest(repoOf(where.sourcePath), {
        sourceBranch: syncBranch,
        targetBranch: where.branch,
        title: `Bring back dist-git ${where.branch} changes up to ${sha.slice(0, 12)}`,
        description: [
          `These dist-git commits of ${where.distPath} (${where.branch}) did not come from source-git:`,
          '',
          ...made.commits.map((c) => `- ${c.distGit.slice(0, 12)} ${c.subject}`),
          '',
          'Merging this merge request brings `.distro/` in line with dist-git.',
        ].join('\n'),
      }));
    logger.info(
      { sourceGitMr: mr.iid, commits: made.commits.length },
      'dist-git push brought back as a source-git merge request',
    );
    return { status: 'success', sourceGitMr: String(mr.iid) };
  }
}
