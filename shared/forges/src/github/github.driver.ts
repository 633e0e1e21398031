// The GitHub driver: `X-GitHub-Event` names the event, `X-GitHub-Delivery` the delivery,
// `X-Hub-Signature-256` proves it came from GitHub; the parser makes it a typed event.
import type { ForgeDriver } from '../forge.types.js';
import { parseGithub } from './github.parser.js';
import { verifyGithubWebhook } from './github.verifier.js';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which GitHub event a body is, from the keys only that event has. */
function inferEventName(payload: unknown): string | undefined {
  if (!isJson(payload)) return undefined;
  if (isJson(payload.pull_request) && 'number' in payload) return 'pull_request';
  if (isJson(payload.comment) && isJson(payload.issue)) return 'issue_comment';
  if (isJson(payload.comment) && typeof payload.comment.commit_id === 'string') return 'commit_comment';
  if (isJson(payload.release)) return 'release';
  if (isJson(payload.check_run)) return 'check_run';
  if (typeof payload.ref === 'string' && 'commits' in payload && isJson(payload.repository)) return 'push';
  if (isJson(payload.installation) && 'repositories' in payload) return 'installation';
  return undefined;
}

export const githubDriver: ForgeDriver = {
  forge: 'github',
  source: 'github',
  eventHeader: 'X-GitHub-Event',
  deliveryHeader: 'X-GitHub-Delivery',
  verify: verifyGithubWebhook,
  parse: parseGithub,
  inferEventName,
};
