// What the fake GitLab is started with and what it records (commit statuses, notes,
// changes), for tests to drive it and read what packflow did.

export type GitlabState = 'pending' | 'running' | 'success' | 'failed' | 'canceled';

export interface FakeGitlabOptions {
  /** The token the fake accepts in PRIVATE-TOKEN (default `gitlab-token`). */
  token?: string;
  /** Login of the token's user (author of statuses and notes). */
  botUser?: string;
  /** Receiver of emitWebhook and the secret token GitLab sends in X-Gitlab-Token. */
  webhook?: { url: string; token: string };
  /** Host of web URLs in webhooks (default `https://gitlab.com`). */
  webUrl?: string;
}

export interface FakeGitlabStatus {
  id: number;
  project: string;
  sha: string;
  ref: string | null;
  name: string;
  status: GitlabState;
  targetUrl: string | null;
  description: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Each state it went through, oldest first. */
  history: { status: GitlabState; description: string | null; targetUrl: string | null; at: string }[];
}

export interface FakeGitlabNote {
  id: number;
  project: string;
  noteableType: 'MergeRequest' | 'Issue';
  iid: number;
  body: string;
  author: string;
  createdAt: string;
}

export interface FakeGitlabDiff {
  newPath: string;
  oldPath?: string;
  newFile?: boolean;
  deletedFile?: boolean;
}
