// propose_downstream (an upstream release) and pull_from_upstream (a new version seen by
// release-monitoring): land the new version in one Fedora dist-git branch per target, as
// Packit does. The spec (the upstream's when it has one, else dist-git's) gets the new
// Version, Release reset and a changelog entry; the release archive (Source0 with the new
// version) goes to the lookaside cache and into `sources`; `files_to_sync` are copied from
// the upstream; the commit is force-pushed to a branch named after the version, branch and
// job in the identity's Pagure fork, and a pull request from that branch is opened or, when
// one is already open, updated. All of it is idempotent: a retry after a crash redoes the
// same commit on the same branch and finds the pull request the first try opened (Pagure
// would take a second one, so looking first is our job).
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { ExternalServiceError, ValidationError } from '@packflow/core';
import type { LookasideClient } from '@packflow/clients';
import type { ActivityDefinition, Signal, SubmitResult, TargetTask } from '@packflow/engine';
import type { ForgeClient, PagureForge, PagurePullRequest, RepoId } from '@packflow/forges';
import {
  changelogOf,
  expandedSource0,
  RpmSpec,
  specTag,
  withNewRelease,
  type GitIdentity,
  type GitWorkspace,
} from '@packflow/source-git';
import type { ProjectCoordinates } from '../forge/forge.registry.js';
import { EXTERNAL_RETRY } from './activity-context.js';

export interface DownstreamActivityOptions {
  /** The identity's Pagure client (src.fedoraproject.org). */
  pagure: PagureForge;
  /** `https://src.fedoraproject.org`: dist-git repositories are `<base>/rpms/<name>.git`, forks `<base>/forks/<user>/rpms/<name>.git`. */
  gitBaseUrl: string;
  lookaside: LookasideClient;
  /** Work trees, with the Pagure token for https remotes. */
  workspace: GitWorkspace;
  /** Who the commits and changelog entries are by. */
  gitIdentity: Omit<GitIdentity, 'date'>;
  /** The upstream project's forge client (files_to_sync, the upstream spec). */
  upstreamForge: (project: ProjectCoordinates) => ForgeClient;
  /** Fetches the release archive (default: an HTTP GET). */
  download?: (url: string) => Promise<Buffer>;
  now?: () => Date;
}

/**
 * Packit's actions that shape what is synced: packflow runs no commands on the upstream
 * yet, so a job that configures one fails saying so instead of syncing something else.
 */
const UNSUPPORTED_ACTIONS = [
  'post-upstream-clone',
  'get-current-version',
  'create-archive',
  'changelog-entry',
  'commit-message',
  'pre-sync',
  'prepare-files',
  'fix-spec-file',
  'create-patches',
];

export interface DownstreamWork {
  version: string;
  tag: string | null;
  packageName: string;
  distGit: RepoId;
  branch: string;
  forkBranch: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** The version in a tag by `upstream_tag_template` (`v{version}`); undefined when the tag does not fit. */
export function versionFromTag(tag: string, template = '{version}'): string | undefined {
  if (!template.includes('{version}')) return undefined;
  const [before, after] = template.split('{version}');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^${escape(before)}(.+)${escape(after)}$`).exec(tag);
  return m?.[1];
}

/** What one target of a downstream step works on, from its pipeline and options. */
export function downstreamWork(task: Pick<TargetTask, 'job' | 'options' | 'pipeline' | 'target'>): DownstreamWork {
  const o = task.options;
  const packageName = text(o.downstream_package_name) ?? task.pipeline.project.repo;
  let version = text(o.version);
  let tag: string | null = null;
  if (!version) {
    // The release's tag: the pipeline's ref, or the one a command on an issue chose.
    tag = text(o.upstream_tag) ?? (task.pipeline.ref.kind === 'release' ? task.pipeline.ref.name : null);
    if (!tag)
      throw new ValidationError(
        `${task.job} needs a release to know the version; this pipeline runs on a ${task.pipeline.ref.kind}`,
      );
    const template = text(o.upstream_tag_template) ?? '{version}';
    version = versionFromTag(tag, template);
    if (!version) throw new ValidationError(`tag ${tag} does not match upstream_tag_template ${template}`);
  }
  const branch = task.target.target;
  return {
    version,
    tag,
    packageName,
    distGit: { namespace: 'rpms', repo: packageName },
    branch,
    forkBranch: `${version}-${branch}-update-${task.job}`,
  };
}

async function httpDownload(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  } catch (error) {
    throw new ExternalServiceError(
      'upstream',
      `download of the release archive ${url} failed: ${(error as Error).message}`,
    );
  }
  if (response.status === 404) throw new ValidationError(`the release archive ${url} does not exist (404)`);
  if (!response.ok)
    throw new ExternalServiceError('upstream', `download of the release archive ${url} failed: ${response.status}`, {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429,
    });
  return Buffer.from(await response.arrayBuffer());
}

/** files_to_sync entries as (src, dest) pairs: `path` or `{src, dest}`; globs and directories are refused by name. */
export function filesToSync(value: unknown): { src: string; dest: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError('files_to_sync: expected a list');
  return value.map((entry) => {
    const pair =
      typeof entry === 'string'
        ? { src: entry, dest: entry }
        : {
            src: String((entry as { src?: unknown }).src ?? ''),
            dest: String((entry as { dest?: unknown }).dest ?? ''),
          };
    for (const p of [pair.src, pair.dest]) {
      if (!p || /[*?[\]]/.test(p) || p.endsWith('/'))
        throw new ValidationError(
          `files_to_sync: "${p}" is not a single file (packflow copies files, not globs or directories yet)`,
        );
      if (normalize(p).startsWith('..') || p.startsWith('/'))
        throw new ValidationError(`files_to_sync: "${p}" is outside the repository`);
    }
    return pair;
  });
}

/** The archive the spec named before the update (its line leaves `sources`), when it can tell. */
function previousArchive(spec: RpmSpec): string | undefined {
  const version = specTag(spec, 'Version');
  if (!version) return undefined;
  try {
    return new URL(expandedSource0(spec, version), 'file:///').pathname.split('/').pop();
  } catch {
    return undefined;
  }
}

const finished = (externalId: string, done: Signal, webUrl?: string): SubmitResult => ({ externalId, webUrl, done });

export function downstreamActivity(o: DownstreamActivityOptions): ActivityDefinition {
  const download = o.download ?? httpDownload;
  const now = o.now ?? (() => new Date());
  const base = o.gitBaseUrl.replace(/\/+$/, '');

  async function run(task: TargetTask): Promise<SubmitResult> {
    const work = downstreamWork(task);
    const actions = Object.keys((task.options.actions as Record<string, unknown> | undefined) ?? {});
    const unsupported = actions.filter((a) => UNSUPPORTED_ACTIONS.includes(a));
    if (unsupported.length)
      throw new ValidationError(
        `actions ${unsupported.join(', ')} are not supported by packflow's ${task.job} yet (it runs no commands on the upstream)`,
      );
    const toSync = filesToSync(task.options.files_to_sync);
    const upstream = task.job === 'propose_downstream' ? o.upstreamForge(task.pipeline.project) : undefined;
    const upstreamRepo = { namespace: task.pipeline.project.namespace, repo: task.pipeline.project.repo };
    const upstreamFile = (path: string) =>
      upstream ? upstream.fileContent(upstreamRepo, path, task.pipeline.commitSha) : Promise.resolve(undefined);

    const dir = o.workspace.dirFor(task.idempotencyKey);
    const dg = await o.workspace.clone(`${base}/rpms/${work.packageName}.git`, dir, work.branch);
    await dg.checkout(`origin/${work.branch}`, { branch: work.forkBranch });
    // The committer too (a worker's container has no git identity of its own).
    await dg.run(['config', 'user.name', o.gitIdentity.name]);
    await dg.run(['config', 'user.email', o.gitIdentity.email]);

    // The spec: the upstream's (Packit syncs it), with dist-git's changelog unless sync_changelog.
    const specName = `${work.packageName}.spec`;
    const downstreamText = (await dg.readFile('HEAD', specName))?.toString('utf8');
    const upstreamText = await upstreamFile(text(task.options.specfile_path) ?? specName);
    const sourceText = upstreamText ?? downstreamText;
    if (!sourceText) throw new ValidationError(`neither the upstream nor dist-git ${work.branch} has ${specName}`);
    const downstreamSpec = downstreamText ? new RpmSpec(downstreamText, specName) : undefined;
    // A release dist-git already has (a merged update, a rerun after it): nothing to propose.
    if (downstreamSpec && specTag(downstreamSpec, 'Version') === work.version)
      throw new ValidationError(`dist-git ${work.branch} already has version ${work.version}`);
    const keepDownstreamChangelog = upstreamText !== undefined && task.options.sync_changelog !== true;
    const spec = withNewRelease(new RpmSpec(sourceText, specName), {
      version: work.version,
      entry: [`Update to ${work.version} upstream release`],
      author: o.gitIdentity,
      date: now(),
      changelog: keepDownstreamChangelog && downstreamSpec ? changelogOf(downstreamSpec) : undefined,
    });

    // The release archive, into the lookaside cache and `sources`.
    const url = expandedSource0(spec, work.version);
    const archive = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    if (!archive) throw new ValidationError(`Source0 ${url} names no file`);
    const uploaded = await o.lookaside.upload(work.packageName, archive, await download(url));
    const oldArchive = downstreamSpec ? previousArchive(downstreamSpec) : undefined;
    const sourcesOld = (await dg.readFile('HEAD', 'sources'))?.toString('utf8') ?? '';
    const kept = sourcesOld
      .split('\n')
      .filter((l) => l.trim() && !l.includes(`(${archive})`) && (!oldArchive || !l.includes(`(${oldArchive})`)));
    const files: Record<string, string> = {
      [specName]: spec.toString(),
      sources: [uploaded.sourcesLine, ...kept].join('\n') + '\n',
    };
    const gitignore = (await dg.readFile('HEAD', '.gitignore'))?.toString('utf8') ?? '';
    if (!gitignore.split('\n').includes(`/${archive}`))
      files['.gitignore'] = `${gitignore}${gitignore && !gitignore.endsWith('\n') ? '\n' : ''}/${archive}\n`;
    for (const { src, dest } of toSync) {
      if (dest === specName) continue; // synced above, with the new version
      const content = await upstreamFile(src);
      if (content === undefined)
        throw new ValidationError(
          `files_to_sync: the upstream has no ${src} at ${task.pipeline.commitSha.slice(0, 12)}`,
        );
      files[dest] = content;
    }
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dg.dir, path)), { recursive: true });
      await writeFile(join(dg.dir, path), content);
    }
    await dg.add(Object.keys(files));
    const title = `Update to ${work.version} upstream release`;
    const origin =
      task.job === 'propose_downstream'
        ? `Upstream tag: ${work.tag}\nUpstream commit: ${task.pipeline.commitSha}`
        : `New version ${work.version} found by release-monitoring.`;
    await dg.commitStaged(`${title}\n\n${origin}`, { author: o.gitIdentity });

    // Force-push the deterministic branch to the fork, then find or open the pull request.
    const user = await o.pagure.ensureFork(work.distGit);
    await dg.push(
      o.workspace.remote(`${base}/forks/${user}/rpms/${work.packageName}.git`),
      [`HEAD:refs/heads/${work.forkBranch}`],
      {
        force: true,
      },
    );
    await o.workspace.remove(dir);
    const body = [
      `${title}.`,
      '',
      origin,
      '',
      `This pull request was opened by packflow's ${task.job} job; a new run force-pushes its branch.`,
    ].join('\n');
    const open = (await o.pagure.pullRequests(work.distGit, { status: 'Open', author: user })).find(
      (pr: PagurePullRequest) =>
        pr.branch === work.branch && pr.branch_from === work.forkBranch && pr.repo_from?.user.name === user,
    );
    const pr = open
      ? await o.pagure.updatePullRequest(work.distGit, open.id, { title, body })
      : await o.pagure.createPullRequest(work.distGit, {
          title,
          body,
          targetBranch: work.branch,
          sourceBranch: work.forkBranch,
          forkOwner: user,
        });
    return finished(
      `rpms/${work.packageName}#${pr.id}`,
      {
        state: 'success',
        webUrl: pr.full_url,
        data: {
          pullRequest: pr.id,
          forkBranch: work.forkBranch,
          version: work.version,
          // The pull request's head: its flags go there (Pagure shows them on the pull request).
          distGitProject: `${work.distGit.namespace}/${work.distGit.repo}`,
          head: pr.commit_stop,
        },
      },
      pr.full_url,
    );
  }

  /** What the sync itself cannot do (a missing spec, a tag that does not fit): a failure, not a retry. */
  async function runOrFail(task: TargetTask): Promise<SubmitResult> {
    try {
      return await run(task);
    } catch (error) {
      if (error instanceof ValidationError)
        return finished(`failed:${task.idempotencyKey}`, { state: 'failure', reason: error.message });
      throw error;
    } finally {
      await o.workspace.remove(o.workspace.dirFor(task.idempotencyKey));
    }
  }

  return {
    async submit(tasks) {
      const results: SubmitResult[] = [];
      for (const task of tasks) results.push(await runOrFail(task));
      return results;
    },
    // A crash after the work but before its result was applied: do it again (idempotent) for the result.
    poll: async (task) => (await runOrFail(task)).done,
    timeoutMs: 15 * 60_000,
    retry: EXTERNAL_RETRY,
    pollAfterMs: 15 * 60_000,
    finalDeadlineMs: 24 * 3_600_000,
  };
}
