// The build-system driver interface (house style: drivers behind interfaces). Copr
// implements it; callers choose names (`<owner>/<repo>-<pr>`) and chroots.

/** Copr's own state names, for a build and for each of its chroots. */
export type CoprState =
  | 'importing'
  | 'pending'
  | 'starting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'canceled'
  | 'skipped'
  | 'forked'
  | 'waiting'
  | 'unknown';

/** The chroot name Copr gives the SRPM (source) build of a build. */
export const SRPM_CHROOT = 'srpm-builds';

/** A state as the engine needs it: still waiting, running, or done with a result. */
export type BuildOutcome = 'waiting' | 'running' | 'success' | 'failure' | 'cancelled';

export interface BuildProject {
  owner: string;
  name: string;
  /** `owner/name`. */
  fullName: string;
  chroots: string[];
}

export interface EnsuredProject extends BuildProject {
  created: boolean;
  /** Chroots had to be added to an existing project. */
  updated: boolean;
}

export interface EnsureProjectInput {
  owner: string;
  project: string;
  chroots: string[];
  description?: string;
  instructions?: string;
  /** Builders may reach the network (Copr default: true). */
  enableNet?: boolean;
  /** Copr deletes the project this many days after its last build. */
  deleteAfterDays?: number;
  /** Keep it off Copr's home page (default true: PR projects are noise there). */
  unlisted?: boolean;
  additionalRepos?: string[];
  /** Forge projects allowed to build in it (`github.com/owner/repo`). */
  forgeProjectsAllowed?: string[];
}

interface BuildOptions {
  owner: string;
  project: string;
  /** Seconds a chroot build may take. */
  timeoutSeconds?: number;
  enableNet?: boolean;
  /** `github.com/owner/repo`, the forge project the build is for. */
  forgeProject?: string;
  /** A sub-directory of the project (`project:pr:42`), as Copr's `project_dirname`. */
  projectDirname?: string;
}

export interface SrpmBuildInput extends BuildOptions {
  /** The custom-source script that writes the spec file and sources. */
  script: string;
  /** The mock chroot the script runs in (Copr default: fedora-latest-x86_64). */
  scriptChroot?: string;
  /** Packages the script needs. */
  builddeps?: string[];
  /** Where the script leaves its results, relative to its working directory. */
  resultdir?: string;
  repos?: string[];
  /** Chroots to build RPMs in right away; none means the SRPM build only feeds a later build. */
  chroots?: string[];
}

export interface RpmBuildInput extends BuildOptions {
  srpmUrl: string;
  chroots: string[];
}

export interface SourcePackage {
  name: string | null;
  version: string | null;
  /** The SRPM, once built. */
  url: string | null;
}

export interface Build {
  id: number;
  owner: string;
  project: string;
  state: CoprState;
  chroots: string[];
  sourcePackage: SourcePackage;
  submittedOn: number | null;
  startedOn: number | null;
  endedOn: number | null;
  submitter: string | null;
  repoUrl: string | null;
  /** The build's page in the Copr web UI. */
  webUrl: string;
}

export interface BuildChroot {
  buildId: number;
  /** The chroot name, or `srpm-builds` for the SRPM build. */
  name: string;
  state: CoprState;
  startedOn: number | null;
  endedOn: number | null;
  resultUrl: string | null;
  /** The live build log (`builder-live.log.gz` in the result directory). */
  logUrl: string | null;
  webUrl: string;
}

/** How a build was submitted, as Copr keeps it (`GET /build/source-build-config/<id>/`). */
export interface BuildSourceConfig {
  /** `custom` for a script, `link` for an SRPM URL, `scm`, `upload`, … */
  sourceType: string;
  /** What was submitted: `script`, `chroot`, … for `custom`; `url` for `link`. */
  sourceDict: Record<string, unknown>;
}

export interface BuildService {
  /** Creates the project with these chroots, or adds the missing chroots to an existing one. */
  ensureProject(input: EnsureProjectInput): Promise<EnsuredProject>;
  /** An SRPM build from a custom script (its source build shows as chroot `srpm-builds`). */
  submitSrpmBuild(input: SrpmBuildInput): Promise<Build>;
  /** An RPM build of an SRPM URL in the given chroots. */
  submitRpmBuild(input: RpmBuildInput): Promise<Build>;
  getBuild(buildId: number | string): Promise<Build>;
  /** One chroot of a build; `srpm-builds` reads the source build. */
  getBuildChroot(buildId: number | string, chroot: string): Promise<BuildChroot>;
  cancelBuild(buildId: number | string): Promise<Build>;
  /** The project's builds, newest first (at most `limit`). */
  listBuilds(owner: string, project: string, limit?: number): Promise<Build[]>;
  /** What a build was submitted with (its script, its SRPM URL). */
  getSourceBuildConfig(buildId: number | string): Promise<BuildSourceConfig>;
}

const OUTCOMES: Record<CoprState, BuildOutcome> = {
  importing: 'waiting',
  pending: 'waiting',
  starting: 'running',
  running: 'running',
  waiting: 'waiting',
  succeeded: 'success',
  forked: 'success',
  failed: 'failure',
  canceled: 'cancelled',
  skipped: 'cancelled',
  unknown: 'waiting',
};

/** Copr's state as waiting/running/success/failure/cancelled. */
export function buildOutcome(state: string): BuildOutcome {
  return OUTCOMES[state as CoprState] ?? 'waiting';
}

/** Copr's numeric status in fedora-messaging messages (copr_common StatusEnum). */
export const COPR_STATUS_CODES: Record<CoprState, number> = {
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
  unknown: 1000,
};
