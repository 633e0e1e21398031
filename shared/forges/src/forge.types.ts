// The forge driver interfaces: what packflow asks of GitHub and GitLab alike (house
// style: both implement the same reporter interface). A ForgeDriver is the intake side
// (verify a webhook, parse it into a typed event); a ForgeClient the API side (report,
// comment, read files). Forge-specific extras (GitHub check runs by id, GitLab statuses
// with a ref) live on the client classes.
import type { EVENT_SOURCES, ParseResult } from '@packflow/events';

/** A repository on a forge: `owner/repo` on GitHub, `group/subgroup/project` on GitLab. */
export interface RepoId {
  namespace: string;
  repo: string;
  /** GitHub App installation, when the event told us (saves a lookup). */
  installationId?: number;
}

/** What a target's report says, in forge-neutral words. */
export type ReportState = 'queued' | 'running' | 'success' | 'failure' | 'error' | 'cancelled' | 'skipped' | 'neutral';

export interface StatusReport {
  /** `rpm-build:fedora-41-x86_64`, `testing-farm:fedora-41-x86_64:smoke`, `packflow/config`. */
  name: string;
  sha: string;
  state: ReportState;
  /** One line (GitHub: output title; GitLab: description). */
  title: string;
  /** Markdown (GitHub only; GitLab shows the title). */
  summary?: string;
  text?: string;
  /** The target's page in the dashboard. */
  detailsUrl?: string;
  /** Maps a GitHub re-run request back to the target (GitHub only). */
  externalId?: string;
  /** The check run to update, when this name was reported before (GitHub only). */
  id?: string;
  /**
   * Nothing with this external id can be on the forge yet (the first report of a pipeline
   * just created): GitHub creates the check run without looking for one a lost create made.
   */
  first?: boolean;
  /** Branch or tag the commit is on (GitLab statuses are per ref). */
  ref?: string;
}

export interface ReportedStatus {
  /** GitHub check run id / GitLab commit status id. */
  id: string;
  url: string | null;
}

/** Where a comment goes. */
export type CommentTarget = { pullRequest: number } | { issue: number };

export interface PostedComment {
  id: string;
  url: string | null;
}

export interface Permission {
  /** GitHub role (`admin`, `maintain`, `write`, `triage`, `read`, `none`) or GitLab role name. */
  role: string;
  /** GitLab access level (Guest 10 … Owner 50); GitHub roles mapped the same way. */
  accessLevel: number;
  /** Write access or more: may run comment commands. */
  canRunCommands: boolean;
}

/** A user as the event named them. */
export interface ForgeUser {
  login: string;
  /** GitLab user id (saves a lookup by name). */
  id?: number;
}

/** What a change touched: a pull/merge request, or the commits between two shas. */
export type ChangeRange = { pullRequest: number } | { base: string; head: string };

export interface ForgeClient {
  readonly forge: 'github' | 'gitlab' | 'pagure';
  /** Creates or updates the check run / commit status named `report.name` on `report.sha`. */
  reportStatus(repo: RepoId, report: StatusReport): Promise<ReportedStatus>;
  /**
   * Reports several statuses of a repository at once, each settling on its own (in the
   * order given): what reportStatus does for each, with the lookups they share made once
   * (GitHub lists a commit's check runs once for the batch).
   */
  reportStatuses(repo: RepoId, reports: StatusReport[]): Promise<PromiseSettledResult<ReportedStatus>[]>;
  comment(repo: RepoId, target: CommentTarget, body: string): Promise<PostedComment>;
  /** The newest comment on the target whose body holds `marker` (comment.once.ts), or undefined. */
  findComment(repo: RepoId, target: CommentTarget, marker: string): Promise<PostedComment | undefined>;
  permission(repo: RepoId, user: ForgeUser): Promise<Permission>;
  /** A file's text at a ref, or undefined when it does not exist there. */
  fileContent(repo: RepoId, path: string, ref: string): Promise<string | undefined>;
  /** Paths a change touched (renames give both the old and the new path). */
  changedFiles(repo: RepoId, range: ChangeRange): Promise<string[]>;
  /**
   * The commit a tag points at (a release's commit: release webhooks name only the tag), or
   * undefined when there is no such tag. Optional: a forge without it runs no release jobs.
   */
  tagCommit?(repo: RepoId, tag: string): Promise<string | undefined>;
  /** The tag of the latest release (what `/packit propose-downstream` on an issue syncs), or undefined when none. */
  latestReleaseTag?(repo: RepoId): Promise<string | undefined>;
}

/** GitLab access levels, and what GitHub roles correspond to. */
export const ACCESS_LEVELS = {
  none: 0,
  minimal: 5,
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
} as const;

/** Developer (30) and above may run commands. */
export const COMMAND_ACCESS_LEVEL = ACCESS_LEVELS.developer;

/** reportStatuses of a forge whose reports share nothing: each status on its own, all at once. */
export function reportEach(
  client: Pick<ForgeClient, 'reportStatus'>,
  repo: RepoId,
  reports: StatusReport[],
): Promise<PromiseSettledResult<ReportedStatus>[]> {
  return Promise.allSettled(reports.map((report) => client.reportStatus(repo, report)));
}

export function fullName(repo: RepoId): string {
  return `${repo.namespace}/${repo.repo}`;
}

/** A request header by its lower-case name (undefined when absent or empty). */
export type WebhookHeader = (name: string) => string | undefined;

/** The intake side of a forge: the scheduler, `packflow plan` and tests use the same one. */
export interface ForgeDriver {
  readonly forge: 'github' | 'gitlab' | 'pagure';
  /** Where its events are recorded as coming from (Pagure's come by fedora-messaging). */
  readonly source: (typeof EVENT_SOURCES)[number];
  /** The header naming the event (`X-GitHub-Event`) and the one carrying the delivery id. */
  readonly eventHeader: string;
  readonly deliveryHeader: string;
  /** Why a webhook is not from the forge (answered 401), or null when it is. */
  verify(secret: string, rawBody: Buffer, header: WebhookHeader): string | null;
  /** The typed event of a webhook body, `{ignored}`, or a ValidationError naming the field. */
  parse(eventName: string, payload: unknown): ParseResult;
  /** The event name of a body sent without its header (for `packflow plan`), when it tells. */
  inferEventName(payload: unknown): string | undefined;
}

/** An OAuth application registered on a forge instance, for signing people in. */
export interface OAuthAppSettings {
  clientId: string;
  clientSecret: string;
  /** The forge's web origin (authorize and token endpoints): `https://github.com`, `https://gitlab.com`. */
  webUrl: string;
  /** The forge's API base (GitHub: `https://api.github.com`; GitLab: its URL, `/api/v4` is added). */
  apiUrl: string;
}

/** The person a sign-in found: their login on the forge and its stable id there. */
export interface SignedInUser {
  login: string;
  id: string;
  name?: string;
}

/**
 * The authorization-code flow of one forge: where to send the browser, and the person a
 * returned code stands for. The access token is used once, to ask who the person is, and
 * never leaves this object (packflow asks permissions with its own identity).
 */
export interface ForgeOAuth {
  readonly forge: 'github' | 'gitlab';
  authorizeUrl(input: { redirectUri: string; state: string }): string;
  signIn(input: { code: string; redirectUri: string }): Promise<SignedInUser>;
}
