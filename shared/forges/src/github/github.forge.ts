// GitHub through @octokit/rest with a GitHub App identity: check runs (with the "Re-run
// failed" / "Re-run all" buttons), issue comments, collaborator permissions, file
// contents and changed files. Every call carries the installation token of its repository.
import { Octokit } from '@octokit/rest';
import { ExternalServiceError, type Logger } from '@packflow/core';
import {
  ACCESS_LEVELS,
  COMMAND_ACCESS_LEVEL,
  fullName,
  type ChangeRange,
  type CommentTarget,
  type ForgeClient,
  type ForgeUser,
  type Permission,
  type PostedComment,
  type RepoId,
  type ReportedStatus,
  type StatusReport,
} from '../forge.types.js';
import { GithubAppTokens, type GithubAppIdentity, type InstallationToken } from './github-app.auth.js';
import { githubError, octokitFailure } from './github-errors.js';
import { checkRunOf, RERUN_ACTIONS, type CheckRun, type CheckRunAction, type CheckRunInput } from './github.checks.js';

export {
  RERUN_ACTIONS,
  type CheckRun,
  type CheckRunAction,
  type CheckRunConclusion,
  type CheckRunInput,
  type CheckRunStatus,
} from './github.checks.js';

export interface GithubForgeOptions extends GithubAppIdentity {
  /** REST API root (default `https://api.github.com`; GHE: `https://host/api/v3`). */
  baseUrl?: string;
  timeoutMs?: number;
  /** Ask for a new installation token this long before the cached one expires (default 5 min). */
  tokenRefreshMs?: number;
  /** Buttons of check runs created through reportStatus (default RERUN_ACTIONS). */
  actions?: readonly CheckRunAction[] | false;
  logger?: Logger;
  now?: () => number;
}

/** GitHub's limits on check-run output text. */
const MAX_OUTPUT = 65_535;

const ROLE_LEVELS: Record<string, number> = {
  admin: ACCESS_LEVELS.owner,
  maintain: ACCESS_LEVELS.maintainer,
  write: ACCESS_LEVELS.developer,
  triage: ACCESS_LEVELS.reporter,
  read: ACCESS_LEVELS.guest,
  none: ACCESS_LEVELS.none,
};

export class GithubForge implements ForgeClient {
  readonly forge = 'github' as const;
  private readonly octokit: Octokit;
  readonly tokens: GithubAppTokens;
  private readonly now: () => number;

  constructor(private readonly options: GithubForgeOptions) {
    this.now = options.now ?? Date.now;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const logger = options.logger;
    this.octokit = new Octokit({
      baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      userAgent: 'packflow',
      request: {
        fetch: (url: string, init?: RequestInit) =>
          fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
      },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => logger?.warn({ forge: 'github' }, message),
        error: () => undefined,
      },
    });
    this.tokens = new GithubAppTokens(options, this.octokit, options.tokenRefreshMs ?? 5 * 60_000, this.now);
  }

  /**
   * Whether `installationId` (named by a webhook) is this App's installation on `repo`.
   * Another App's webhook for the same repository names that App's installation; a
   * repository this App is not installed on has none (404).
   */
  async ownsInstallation(repo: RepoId, installationId: number): Promise<boolean> {
    try {
      return (await this.tokens.installationId(repo, this.octokit)) === installationId;
    } catch (error) {
      if (error instanceof ExternalServiceError && error.status === 404) return false;
      throw error;
    }
  }

  async createCheckRun(repo: RepoId, input: CheckRunInput): Promise<CheckRun> {
    return this.call(
      repo,
      `create check run "${input.name}" on ${fullName(repo)}@${short(input.headSha)}`,
      async (headers) => {
        const { data } = await this.octokit.rest.checks.create({
          owner: repo.namespace,
          repo: repo.repo,
          headers,
          name: input.name,
          head_sha: input.headSha,
          ...this.checkRunFields(input),
        });
        return checkRunOf(data);
      },
    );
  }

  async updateCheckRun(repo: RepoId, checkRunId: string | number, input: Partial<CheckRunInput>): Promise<CheckRun> {
    return this.call(
      repo,
      `update check run ${checkRunId}${input.name ? ` "${input.name}"` : ''} on ${fullName(repo)}`,
      async (headers) => {
        const { data } = await this.octokit.rest.checks.update({
          owner: repo.namespace,
          repo: repo.repo,
          check_run_id: Number(checkRunId),
          headers,
          ...(input.name ? { name: input.name } : {}),
          ...this.checkRunFields(input),
        });
        return checkRunOf(data);
      },
    );
  }

  /** The latest check run of this name on a commit (made by this app), if any. */
  async findCheckRun(repo: RepoId, sha: string, name: string): Promise<CheckRun | undefined> {
    return this.call(repo, `find check run "${name}" on ${fullName(repo)}@${short(sha)}`, async (headers) => {
      const { data } = await this.octokit.rest.checks.listForRef({
        owner: repo.namespace,
        repo: repo.repo,
        ref: sha,
        check_name: name,
        filter: 'latest',
        headers,
      });
      const run = data.check_runs[0];
      return run ? checkRunOf(run) : undefined;
    });
  }

  /** The latest check runs on a commit (one of each name), every page of them. */
  async checkRunsOn(repo: RepoId, sha: string): Promise<CheckRun[]> {
    return this.call(repo, `list the check runs of ${fullName(repo)}@${short(sha)}`, async (headers) => {
      const runs = await this.octokit.paginate(this.octokit.rest.checks.listForRef, {
        owner: repo.namespace,
        repo: repo.repo,
        ref: sha,
        filter: 'latest',
        per_page: 100,
        headers,
      });
      return runs.map(checkRunOf);
    });
  }

  async reportStatus(repo: RepoId, report: StatusReport): Promise<ReportedStatus> {
    const [result] = await this.reportStatuses(repo, [report]);
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }

  /**
   * A report without a recorded id is a first report, or one whose create went through
   * before a crash and was never recorded. GitHub keeps every check run created (a second
   * one of the same name would stay behind, unfinished), so ours is looked for first: same
   * name, same external id, on the commit (unless the report is a first one). The check runs
   * of a commit are listed once for the whole batch; then every report is created or
   * updated at once.
   */
  async reportStatuses(repo: RepoId, reports: StatusReport[]): Promise<PromiseSettledResult<ReportedStatus>[]> {
    const listings = new Map<string, Promise<CheckRun[]>>();
    const existing = (sha: string) => {
      let listing = listings.get(sha);
      if (!listing) listings.set(sha, (listing = this.checkRunsOn(repo, sha)));
      return listing;
    };
    return Promise.allSettled(
      reports.map(async (report) => {
        const input = this.reportToCheckRun(report);
        const id =
          report.id ??
          (report.first
            ? undefined
            : (await existing(report.sha)).find(
                (run) => run.name === input.name && report.externalId && run.externalId === report.externalId,
              )?.id);
        const run = id ? await this.updateCheckRun(repo, id, input) : await this.createCheckRun(repo, input);
        return { id: run.id, url: run.htmlUrl };
      }),
    );
  }

  async comment(repo: RepoId, target: CommentTarget, body: string): Promise<PostedComment> {
    const number = 'pullRequest' in target ? target.pullRequest : target.issue;
    const kind = 'pullRequest' in target ? 'pull request' : 'issue';
    return this.call(repo, `comment on ${kind} ${fullName(repo)}#${number}`, async (headers) => {
      const { data } = await this.octokit.rest.issues.createComment({
        owner: repo.namespace,
        repo: repo.repo,
        issue_number: number,
        body,
        headers,
      });
      return { id: String(data.id), url: data.html_url ?? null };
    });
  }

  async findComment(repo: RepoId, target: CommentTarget, marker: string): Promise<PostedComment | undefined> {
    const number = 'pullRequest' in target ? target.pullRequest : target.issue;
    return this.call(repo, `list the comments of ${fullName(repo)}#${number}`, async (headers) => {
      const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, {
        owner: repo.namespace,
        repo: repo.repo,
        issue_number: number,
        per_page: 100,
        headers,
      });
      const found = comments.filter((c) => c.body?.includes(marker)).pop();
      return found && { id: String(found.id), url: found.html_url ?? null };
    });
  }

  async permission(repo: RepoId, user: ForgeUser): Promise<Permission> {
    return this.call(repo, `read the permission of ${user.login} on ${fullName(repo)}`, async (headers) => {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({
        owner: repo.namespace,
        repo: repo.repo,
        username: user.login,
        headers,
      });
      const role = (data as { role_name?: string }).role_name || data.permission || 'none';
      const accessLevel = ROLE_LEVELS[role] ?? ROLE_LEVELS[data.permission] ?? 0;
      return { role, accessLevel, canRunCommands: accessLevel >= COMMAND_ACCESS_LEVEL };
    });
  }

  async fileContent(repo: RepoId, path: string, ref: string): Promise<string | undefined> {
    return this.call(repo, `read ${path} at ${ref} in ${fullName(repo)}`, async (headers) => {
      try {
        const { data } = await this.octokit.rest.repos.getContent({
          owner: repo.namespace,
          repo: repo.repo,
          path,
          ref,
          headers,
        });
        if (Array.isArray(data) || data.type !== 'file') return undefined;
        const file = data as { content?: string; encoding?: string };
        return file.encoding === 'base64'
          ? Buffer.from(file.content ?? '', 'base64').toString('utf8')
          : (file.content ?? '');
      } catch (error) {
        if (octokitFailure(error).status === 404) return undefined;
        throw error;
      }
    });
  }

  async tagCommit(repo: RepoId, tag: string): Promise<string | undefined> {
    return this.call(repo, `find the commit of tag ${tag} in ${fullName(repo)}`, async (headers) => {
      try {
        // The commits endpoint peels annotated tags to their commit.
        const { data } = await this.octokit.rest.repos.getCommit({
          owner: repo.namespace,
          repo: repo.repo,
          ref: `refs/tags/${tag}`,
          headers,
        });
        return data.sha;
      } catch (error) {
        const status = octokitFailure(error).status;
        if (status === 404 || status === 422) return undefined;
        throw error;
      }
    });
  }

  async latestReleaseTag(repo: RepoId): Promise<string | undefined> {
    return this.call(repo, `find the latest release of ${fullName(repo)}`, async (headers) => {
      try {
        const { data } = await this.octokit.rest.repos.getLatestRelease({
          owner: repo.namespace,
          repo: repo.repo,
          headers,
        });
        return data.tag_name;
      } catch (error) {
        if (octokitFailure(error).status === 404) return undefined;
        throw error;
      }
    });
  }

  async changedFiles(repo: RepoId, range: ChangeRange): Promise<string[]> {
    if ('pullRequest' in range) {
      return this.call(
        repo,
        `list the files of pull request ${fullName(repo)}#${range.pullRequest}`,
        async (headers) => {
          const files = await this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
            owner: repo.namespace,
            repo: repo.repo,
            pull_number: range.pullRequest,
            per_page: 100,
            headers,
          });
          return paths(files);
        },
      );
    }
    return this.call(
      repo,
      `compare ${short(range.base)}...${short(range.head)} in ${fullName(repo)}`,
      async (headers) => {
        const { data } = await this.octokit.rest.repos.compareCommitsWithBasehead({
          owner: repo.namespace,
          repo: repo.repo,
          basehead: `${range.base}...${range.head}`,
          headers,
        });
        return paths(data.files ?? []);
      },
    );
  }

  /** The check run for a neutral report: state -> status/conclusion, times, buttons. */
  reportToCheckRun(report: StatusReport): CheckRunInput {
    const at = new Date(this.now()).toISOString();
    const base: CheckRunInput = {
      name: report.name,
      headSha: report.sha,
      status: 'completed',
      title: report.title,
      summary: report.summary ?? report.title,
      text: report.text,
      detailsUrl: report.detailsUrl,
      externalId: report.externalId,
      actions: this.options.actions ?? RERUN_ACTIONS,
    };
    switch (report.state) {
      case 'queued':
        return { ...base, status: 'queued' };
      case 'running':
        return { ...base, status: 'in_progress', startedAt: at };
      case 'success':
        return { ...base, conclusion: 'success', completedAt: at };
      case 'failure':
      case 'error':
        return { ...base, conclusion: 'failure', completedAt: at };
      case 'cancelled':
        return { ...base, conclusion: 'cancelled', completedAt: at };
      case 'skipped':
        return { ...base, conclusion: 'skipped', completedAt: at };
      case 'neutral':
        return { ...base, conclusion: 'neutral', completedAt: at };
    }
  }

  private checkRunFields(input: Partial<CheckRunInput>) {
    const actions =
      input.actions === undefined ? undefined : input.actions === false ? [] : input.actions.map((a) => ({ ...a }));
    const output =
      input.title !== undefined || input.summary !== undefined || input.text !== undefined
        ? {
            title: clip(input.title ?? input.name ?? 'packflow', 255),
            summary: clip(input.summary ?? input.title ?? '', MAX_OUTPUT),
            ...(input.text ? { text: clip(input.text, MAX_OUTPUT) } : {}),
          }
        : undefined;
    return {
      ...(input.status ? { status: input.status } : {}),
      ...(input.conclusion ? { conclusion: input.conclusion } : {}),
      ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
      ...(input.externalId ? { external_id: input.externalId } : {}),
      ...(input.startedAt ? { started_at: input.startedAt } : {}),
      ...(input.completedAt ? { completed_at: input.completedAt } : {}),
      ...(output ? { output } : {}),
      ...(actions ? { actions } : {}),
    };
  }

  /**
   * Runs `fn` with the installation token of `repo`. A 401 on a cached token (revoked
   * early) gets one fresh token and one more try; failures become ExternalServiceErrors.
   */
  private async call<T>(
    repo: RepoId,
    what: string,
    fn: (headers: { authorization: string }) => Promise<T>,
  ): Promise<T> {
    let { installationId, auth } = await this.installationToken(repo);
    try {
      return await fn({ authorization: `token ${auth.token}` });
    } catch (error) {
      if (octokitFailure(error).status !== 401 || !auth.cached)
        throw githubError(error, what, [auth.token], this.now());
      const refused = auth.token;
      this.tokens.invalidate(installationId, refused);
      ({ installationId, auth } = await this.installationToken(repo));
      try {
        return await fn({ authorization: `token ${auth.token}` });
      } catch (retryError) {
        throw githubError(retryError, what, [auth.token, refused], this.now());
      }
    }
  }

  /** The token of the repository's installation; looks the installation up again when the app was reinstalled. */
  private async installationToken(repo: RepoId): Promise<{ installationId: number; auth: InstallationToken }> {
    const installationId = await this.tokens.installationId(repo, this.octokit);
    try {
      return { installationId, auth: await this.tokens.token(installationId) };
    } catch (error) {
      if (repo.installationId !== undefined || (error as { status?: number }).status !== 404) throw error;
      const current = await this.tokens.installationId(repo, this.octokit);
      return { installationId: current, auth: await this.tokens.token(current) };
    }
  }
}

function paths(files: { filename: string; previous_filename?: string }[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    out.add(f.filename);
    if (f.previous_filename) out.add(f.previous_filename);
  }
  return [...out];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 20)}\n\n… (truncated)` : text;
}

function short(sha: string): string {
  return /^[0-9a-f]{40}$/i.test(sha) ? sha.slice(0, 12) : sha;
}
