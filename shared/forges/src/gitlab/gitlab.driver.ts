// The GitLab driver: `X-Gitlab-Event` names the event, `X-Gitlab-Event-UUID` the
// delivery, `X-Gitlab-Token` proves it came from the hook; the parser makes it a typed event.
import type { ForgeDriver } from '../forge.types.js';
import { parseGitlab } from './gitlab.parser.js';
import { verifyGitlabWebhook } from './gitlab.verifier.js';

/** `object_kind` of a body -> the `X-Gitlab-Event` it is sent with. */
const HOOKS: Record<string, string> = {
  merge_request: 'Merge Request Hook',
  note: 'Note Hook',
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  release: 'Release Hook',
  pipeline: 'Pipeline Hook',
};

function inferEventName(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const kind = (payload as { object_kind?: unknown }).object_kind;
  return typeof kind === 'string' && Object.hasOwn(HOOKS, kind) ? HOOKS[kind] : undefined;
}

export const gitlabDriver: ForgeDriver = {
  forge: 'gitlab',
  source: 'gitlab',
  eventHeader: 'X-Gitlab-Event',
  deliveryHeader: 'X-Gitlab-Event-UUID',
  verify: verifyGitlabWebhook,
  parse: parseGitlab,
  inferEventName,
};
