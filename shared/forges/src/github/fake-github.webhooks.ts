// The fake GitHub as tests drive it: its REST API (fake-github.server.ts) and the signed
// webhooks it sends (X-Hub-Signature-256) to a configured receiver: pull requests, pushes,
// releases, issue comments and check run events, each naming the installation of its
// repository as GitHub does.
import { randomUUID } from 'node:crypto';
import { deliver, type Delivery } from '@packflow/testing/fakes';
import { signWebhook } from './fake-github.app.js';
import {
  checkRunPayload,
  issueCommentPayload,
  pullRequestPayload,
  pushPayload,
  releasePayload,
  type PullRequestEventInput,
  type PushEventInput,
  type ReleaseEventInput,
  type WebhookContext,
} from './fake-github.events.js';
import { FakeGithubServer, type FakeGithubOptions } from './fake-github.server.js';

export class FakeGithub extends FakeGithubServer {
  readonly webhooksSent: (Delivery & { event: string; deliveryId: string })[] = [];

  /** `port`: listen there (the sandbox keeps its address across restarts); fails when it is taken. */
  static async start(options: FakeGithubOptions = {}, port = 0): Promise<FakeGithub> {
    return new FakeGithub(options).listen({ port });
  }

  setWebhookTarget(url: string, secret: string): void {
    this.options.webhook = { url, secret };
  }

  /** Sends a webhook as GitHub does: JSON body, X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256. */
  async emitWebhook(
    event: string,
    payload: unknown,
    options: { deliveryId?: string; url?: string; secret?: string } = {},
  ) {
    const url = options.url ?? this.options.webhook?.url;
    const secret = options.secret ?? this.options.webhook?.secret ?? '';
    const deliveryId = options.deliveryId ?? randomUUID();
    const raw = JSON.stringify(payload);
    const delivery = await deliver(
      url,
      payload,
      {
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': signWebhook(secret, raw),
        'user-agent': 'GitHub-Hookshot/fake',
      },
      raw,
    );
    const sent = { ...delivery, event, deliveryId };
    this.webhooksSent.push(sent);
    return sent;
  }

  /** A pull_request webhook (opened by default) for `owner/repo`. */
  async emitPullRequest(repo: string, input: PullRequestEventInput) {
    return this.emitWebhook('pull_request', pullRequestPayload(repo, input, this.webhookContext(repo)));
  }

  /** A push webhook of one commit to a branch of `owner/repo`. */
  async emitPush(repo: string, input: PushEventInput) {
    return this.emitWebhook('push', pushPayload(repo, input, this.webhookContext(repo)));
  }

  /** A release `published` webhook for a tag of `owner/repo`. */
  async emitRelease(repo: string, input: ReleaseEventInput) {
    return this.emitWebhook('release', releasePayload(repo, input, this.webhookContext(repo)));
  }

  /** An issue_comment `created` webhook, on a pull request unless `pullRequest: false`. */
  async emitIssueComment(
    repo: string,
    issueNumber: number,
    body: string,
    options: { sender: string; pullRequest?: boolean; issue?: { title: string; body: string } },
  ) {
    const payload = issueCommentPayload(
      repo,
      issueNumber,
      body,
      {
        sender: options.sender,
        pullRequest: options.pullRequest ?? true,
        commentId: this.nextId++,
        issue: options.issue,
      },
      this.webhookContext(repo),
    );
    return this.emitWebhook('issue_comment', payload);
  }

  /** A check_run webhook for a stored check run: GitHub's "Re-run" (`rerequested`) or a button (`requested_action`). */
  async emitCheckRunEvent(
    checkRunId: number | string,
    options: {
      action: 'rerequested' | 'requested_action';
      identifier?: string;
      sender: string;
      pullRequest?: number;
      headBranch?: string;
    },
  ) {
    const run = this.checkRuns.find((c) => c.id === Number(checkRunId));
    if (!run) throw new Error(`fake GitHub has no check run ${checkRunId}`);
    const payload = checkRunPayload(run, this.checkRunBody(run), options, this.webhookContext(run.repo));
    return this.emitWebhook('check_run', payload);
  }

  private webhookContext(repo: string): WebhookContext {
    return { web: this.webUrl, api: this.url, installationId: this.app.installationOf(repo)?.id };
  }
}
