// GitHub check runs as packflow sends and reads them: their fields, the re-run buttons on
// every packflow check run, and the reader of GitHub's answer.

export type CheckRunStatus = 'queued' | 'in_progress' | 'completed';
export type CheckRunConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

/** A button on a check run; GitHub sends `check_run.requested_action` with its identifier. */
export interface CheckRunAction {
  /** At most 20 characters. */
  label: string;
  /** At most 40 characters. */
  description: string;
  /** At most 20 characters. */
  identifier: string;
}

/** The buttons on every packflow check run (packit-service #1307). */
export const RERUN_ACTIONS: readonly CheckRunAction[] = [
  { label: 'Re-run failed', description: 'Re-run the failed targets of this run', identifier: 'rerun-failed' },
  { label: 'Re-run all', description: 'Re-run the whole pipeline', identifier: 'rerun-all' },
];

export interface CheckRunInput {
  name: string;
  headSha: string;
  status: CheckRunStatus;
  conclusion?: CheckRunConclusion;
  detailsUrl?: string;
  externalId?: string;
  title: string;
  summary: string;
  text?: string;
  startedAt?: string;
  completedAt?: string;
  /** Buttons; default RERUN_ACTIONS, `false` for none. */
  actions?: readonly CheckRunAction[] | false;
}

export interface CheckRun {
  id: string;
  name: string;
  headSha: string;
  status: CheckRunStatus;
  conclusion: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  htmlUrl: string | null;
}

export interface CheckRunData {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string | null;
  details_url?: string | null;
  external_id?: string | null;
  html_url?: string | null;
}

/** A check run as GitHub's API answers it. */
export function checkRunOf(data: CheckRunData): CheckRun {
  return {
    id: String(data.id),
    name: data.name,
    headSha: data.head_sha,
    status: data.status as CheckRunStatus,
    conclusion: data.conclusion ?? null,
    detailsUrl: data.details_url ?? null,
    externalId: data.external_id ?? null,
    htmlUrl: data.html_url ?? null,
  };
}
