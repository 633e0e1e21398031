// The test-system driver interface (house style: drivers behind interfaces). Testing Farm
// implements it.
import type { TestCaseResult } from './xunit.parser.js';

export interface TestArtifact {
  /** `fedora-copr-build`, `fedora-koji-build`, `repository`, … */
  type: string;
  /** For Copr builds `<build id>:<chroot>`. */
  id: string;
  packages?: string[];
}

export interface TestRequestInput {
  /** The fmf tree with the tmt plans: repository URL, ref and path in it. */
  fmf: { url: string; ref?: string; path?: string; /** Plan name or regex (the job's `tmt_plan`). */ plan?: string };
  environment: {
    /** Testing Farm compose (`Fedora-41`, `CentOS-Stream-10`). */
    compose: string;
    arch: string;
    /** Shorthand for the artifact `fedora-copr-build` with id `<buildId>:<chroot>`. */
    coprBuild?: { buildId: number | string; chroot: string; packages?: string[] };
    artifacts?: TestArtifact[];
    variables?: Record<string, string>;
    secrets?: Record<string, string>;
    tmtContext?: Record<string, string>;
  };
  /** Where Testing Farm POSTs `{"request_id", "token"}` on state changes. */
  notification?: { url: string; token: string };
}

export type TestRequestState =
  'new' | 'queued' | 'running' | 'complete' | 'error' | 'canceled' | 'cancel-requested' | (string & {});

/** `passed`, `failed`, `error`, `skipped`, `unknown`, or null before it ends. */
export type TestOverall = 'passed' | 'failed' | 'error' | 'skipped' | 'unknown' | (string & {});

export interface SubmittedTestRequest {
  id: string;
  state: TestRequestState;
  /** Where people can follow it (the request's API page until artifacts exist). */
  webUrl: string;
}

export interface TestRequest {
  id: string;
  state: TestRequestState;
  overall: TestOverall | null;
  summary: string | null;
  /** The xunit document's URL, when Testing Farm gives one. */
  xunitUrl: string | null;
  /** The artifacts (results viewer) page of the run. */
  artifactsUrl: string | null;
  webUrl: string;
  tests: TestCaseResult[];
  notes: { level: string; message: string }[];
  created: string | null;
  updated: string | null;
}

/** A request as the list answers it: enough to recognise one by the variables it was submitted with. */
export interface ListedTestRequest {
  id: string;
  state: TestRequestState;
  webUrl: string;
  /** The variables of its environments, merged. */
  variables: Record<string, string>;
}

export type TestOutcome = 'waiting' | 'running' | 'success' | 'failure' | 'error' | 'cancelled';

export interface TestService {
  submitRequest(input: TestRequestInput): Promise<SubmittedTestRequest>;
  /** State, overall result and every test case (read from the xunit). */
  getRequest(requestId: string): Promise<TestRequest>;
  cancelRequest(requestId: string): Promise<void>;
  /** Requests created after this time. */
  listRequests(createdAfter: Date): Promise<ListedTestRequest[]>;
}

/** A request as waiting/running/success/failure/error/cancelled. */
export function testOutcome(request: Pick<TestRequest, 'state' | 'overall'>): TestOutcome {
  switch (request.state) {
    case 'new':
    case 'queued':
      return 'waiting';
    case 'running':
      return 'running';
    case 'canceled':
    case 'cancel-requested':
      return 'cancelled';
    case 'error':
      return 'error';
    case 'complete':
      if (request.overall === 'passed' || request.overall === 'skipped') return 'success';
      if (request.overall === 'failed') return 'failure';
      return 'error';
    default:
      return 'waiting';
  }
}
