// The fake GitLab as tests drive it: its REST API (fake-gitlab.server.ts) and the
// webhooks it sends (Merge Request, Note, Push, Tag Push, Release and Pipeline Hooks) with X-Gitlab-Token to
// a configured receiver. A project a hook was sent for exists on the fake from then on
// (GitLab only sends hooks of projects it has).
import { randomUUID } from 'node:crypto';
import { deliver, type Delivery } from '@packflow/testing/fakes';
import {
  mergeRequestPayload,
  notePayload,
  releasePayload,
  tagPushPayload,
  type FakeMergeRequest,
  type FakePipelineJob,
  type MergeRequestEventInput,
} from './fake-gitlab.events.js';
import { FakeGitlabServer } from './fake-gitlab.server.js';
import type { FakeGitlabOptions } from './fake-gitlab.types.js';

export class FakeGitlab extends FakeGitlabServer {
  readonly webhooksSent: (Delivery & { event: string; uuid: string })[] = [];
  private readonly mergeRequests = new Map<string, FakeMergeRequest>();

  static async start(options: FakeGitlabOptions = {}): Promise<FakeGitlab> {
    return new FakeGitlab(options).listen();
  }

  setWebhookTarget(url: string, token: string): void {
    this.options.webhook = { url, token };
  }

  /** A merge request as the last hook sent for it described it. */
  mergeRequest(project: string, iid: number): FakeMergeRequest | undefined {
    return this.mergeRequests.get(`${project}!${iid}`.toLowerCase());
  }

  /** Sends a webhook as GitLab does: JSON body, X-Gitlab-Event, X-Gitlab-Event-UUID, X-Gitlab-Token. */
  async emitWebhook(event: string, payload: unknown, options: { uuid?: string; url?: string; token?: string } = {}) {
    const url = options.url ?? this.options.webhook?.url;
    const token = options.token ?? this.options.webhook?.token;
    const uuid = options.uuid ?? randomUUID();
    const path = (payload as { project?: { path_with_namespace?: unknown } } | undefined)?.project?.path_with_namespace;
    if (typeof path === 'string') this.knowProject(path);
    const delivery = await deliver(url, payload, {
      'x-gitlab-event': event,
      'x-gitlab-event-uuid': uuid,
      'x-gitlab-instance': this.webUrl,
      'user-agent': 'GitLab/17.0.0',
      ...(token !== undefined ? { 'x-gitlab-token': token } : {}),
    });
    const sent = { ...delivery, event, uuid };
    this.webhooksSent.push(sent);
    return sent;
  }

  /** A "Push Hook" for `before..after` of a project's branch (commits read from its repository). */
  async emitPush(project: string, push: { branch: string; before: string; after: string; sender: string }) {
    return this.emitWebhook('Push Hook', await this.projects.pushHook(project, push));
  }

  /** A "Tag Push Hook" for a new tag at `sha` (GitLab sends it when a release creates its tag, before the Release Hook). */
  async emitTagPush(project: string, tag: { name: string; sha: string; sender: string }) {
    this.releases.setTag(project, tag.name, tag.sha);
    return this.emitWebhook('Tag Push Hook', tagPushPayload(project, tag, this.webhookContext()));
  }

  /** A "Release Hook" (action `create`) of a release of the tag `tag` at `sha` (the API has the release from then on). */
  async emitRelease(project: string, release: { tag: string; sha: string; name?: string }) {
    this.releases.addRelease(project, release);
    return this.emitWebhook('Release Hook', releasePayload(project, release, this.webhookContext()));
  }

  /**
   * A "Pipeline Hook" for a pipeline of a merge request opened through the API (its newest
   * pipeline, or a new id), at the merge request's head unless `sha`.
   */
  async emitMergeRequestPipeline(
    project: string,
    iid: number,
    input: { status: string; sha?: string; id?: number; sender?: string; jobs?: FakePipelineJob[] },
  ) {
    return this.emitWebhook('Pipeline Hook', await this.projects.pipelineHook(project, iid, input));
  }

  /**
   * A "Merge Request Hook" (action `open` by default) for `group/project`. The fake
   * remembers the merge request, so later notes on it carry its head commit.
   */
  async emitMergeRequest(project: string, input: MergeRequestEventInput) {
    const key = `${project}!${input.iid}`.toLowerCase();
    const previous = this.mergeRequests.get(key);
    const action = input.action ?? 'open';
    const sender = input.sender ?? previous?.author ?? project.split('/')[0];
    const mr: FakeMergeRequest = {
      project,
      iid: input.iid,
      headSha: input.headSha,
      sourceBranch: input.sourceBranch ?? previous?.sourceBranch ?? 'feature',
      targetBranch: input.targetBranch ?? previous?.targetBranch ?? 'main',
      sourceProject: input.sourceProject ?? previous?.sourceProject ?? project,
      title: input.title ?? previous?.title ?? `Change ${input.iid}`,
      author: previous?.author ?? sender,
      state: action === 'close' ? 'closed' : action === 'merge' ? 'merged' : 'opened',
    };
    this.mergeRequests.set(key, mr);
    this.noteBranch(mr.sourceProject, mr.headSha, mr.sourceBranch);
    return this.emitWebhook('Merge Request Hook', mergeRequestPayload(mr, input, sender, this.webhookContext()));
  }

  /**
   * A "Note Hook" for a note by `sender` on a merge request the fake sent a hook for: a
   * new note, or (`edit`: its id) the edit of one, which recent GitLab also sends, with
   * `object_attributes.action: update`.
   */
  async emitMergeRequestNote(project: string, iid: number, body: string, options: { sender: string; edit?: number }) {
    const mr = this.mergeRequest(project, iid);
    if (!mr) throw new Error(`fake GitLab has no merge request ${project}!${iid} (emit a Merge Request Hook first)`);
    let note = options.edit === undefined ? undefined : this.notes.find((n) => n.id === options.edit);
    if (options.edit !== undefined && !note) throw new Error(`fake GitLab has no note ${options.edit}`);
    if (note) {
      note.body = body;
    } else {
      note = {
        id: this.nextId++,
        project,
        noteableType: 'MergeRequest',
        iid,
        body,
        author: options.sender,
        createdAt: new Date().toISOString(),
      };
      this.notes.push(note);
    }
    const payload = notePayload(
      mr,
      body,
      { sender: options.sender, noteId: note.id, action: options.edit === undefined ? 'create' : 'update' },
      this.webhookContext(),
    );
    return { ...(await this.emitWebhook('Note Hook', payload)), noteId: note.id };
  }
}
