// The shapes of the fake Copr: build states with Copr's status codes, projects, builds
// and their chroots, the auto-run mode, and the fedora-messaging message it sends.
export type FakeCoprState =
  | 'importing'
  | 'pending'
  | 'starting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'canceled'
  | 'skipped'
  | 'forked'
  | 'waiting';

export const STATUS_CODES: Record<FakeCoprState, number> = {
  failed: 0,
  succeeded: 1,
  canceled: 2,
  running: 3,
  pending: 4,
  skipped: 5,
  starting: 6,
  importing: 7,
  forked: 8,
  waiting: 9,
};
export const FINISHED = new Set<FakeCoprState>(['succeeded', 'failed', 'canceled', 'skipped', 'forked']);
export const SRPM_BUILDS = 'srpm-builds';

export interface FakeCoprOptions {
  /** API login and token the fake accepts (defaults `packflow` / `copr-api-token`). */
  login?: string;
  token?: string;
  /** Where build start/end messages go, e.g. `<scheduler>/webhooks/messages`, and its bearer token. */
  messages?: { url: string; token: string };
  /** Topic environment: `prod` (default) or `stg`. */
  environment?: string;
  /** Base of result URLs (default `<fake>/results`). */
  resultsUrl?: string;
  /** Name and version an SRPM build produces (default `hello` / `1.0-1`). */
  package?: { name: string; version: string };
  firstBuildId?: number;
  /** The mock chroots this Copr has (default: any version of the usual distribution families). */
  mockChroots?: string[];
  /** Other owners' projects that exist here, for `copr://owner/project` repos (default Packit's two). */
  otherProjects?: string[];
  /** Builds run by themselves, as in the real Copr, instead of being moved on by the test. */
  autoRun?: CoprAutoRun;
}

export interface CoprAutoRun {
  /** How long each stage runs (the SRPM, then the chroots side by side). */
  stepMs: number;
  /** The result of a chroot or of `srpm-builds` (default succeeded). */
  result?: (build: FakeCoprBuild, chroot: string) => 'succeeded' | 'failed';
}

export interface FakeCoprProject {
  id: number;
  owner: string;
  name: string;
  chroots: string[];
  description: string | null;
  instructions: string | null;
  unlistedOnHp: boolean;
  enableNet: boolean;
  deleteAfterDays: number | null;
  forgeProjectsAllowed: string[];
  /** Every add/edit body, oldest first. */
  edits: unknown[];
}

export interface FakeCoprChroot {
  state: FakeCoprState;
  startedOn: number | null;
  endedOn: number | null;
}

export interface FakeCoprBuild {
  id: number;
  owner: string;
  project: string;
  method: 'custom' | 'url';
  /** The submit body as the client sent it. */
  request: Record<string, unknown>;
  submitter: string;
  submittedOn: number;
  source: FakeCoprChroot;
  sourcePackage: { name: string | null; version: string | null; url: string | null };
  chroots: Map<string, FakeCoprChroot>;
  canceled: boolean;
  /** For `url` builds: the SRPM URL this build was made from. */
  sourceUrl: string | null;
  /** The log lines of each chroot (and `srpm-builds`) so far. */
  logs: Map<string, string[]>;
}

/** A fedora-messaging Copr message body as the bridge posts it. */
export interface CoprMessage {
  topic: string;
  status: number;
  what: string;
  chroot: string;
  ip: string;
  user: string;
  who: string;
  pid: number;
  copr: string;
  version: string | null;
  build: number;
  owner: string;
  pkg: string | null;
}
