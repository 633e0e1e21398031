// What GitHub and GitLab webhooks carry in the same shape, read once for both drivers:
// the repository (web URL + full name), the envelope of an event on it (with the default
// branch), branch and tag pushes, the files of pushed commits and label names.
import {
  ignored,
  PayloadReader,
  splitFullName,
  ZERO_SHA,
  type EventProject,
  type EventRef,
  type ParseResult,
} from '@packflow/events';

/** How a driver reads each event it acts on, by the event's name (`X-GitHub-Event`, `X-Gitlab-Event`). */
export type WebhookReaders = Readonly<Record<string, (body: PayloadReader) => ParseResult>>;

/**
 * Parses one webhook with the reader of its event: a typed event, `{ignored}` for an
 * event packflow does not act on, or a ValidationError naming the missing field.
 */
export function readWebhook(forge: string, readers: WebhookReaders, eventName: string, payload: unknown): ParseResult {
  const body = PayloadReader.of(payload, `${forge} ${eventName} payload`);
  const read = Object.hasOwn(readers, eventName) ? readers[eventName] : undefined;
  return read ? read(body) : ignored(`${forge} event "${eventName}" is not acted on`, eventName);
}

/** A repository object: `urlKey` (its web URL) gives the instance, `nameKey` the namespace and repo. */
export function forgeProject(
  forge: 'github' | 'gitlab',
  repository: PayloadReader,
  urlKey: string,
  nameKey: string,
  where: string,
): EventProject {
  const url = repository.str(urlKey);
  let instanceUrl: string;
  try {
    instanceUrl = new URL(url).origin;
  } catch {
    return repository.fail(urlKey, 'a URL');
  }
  const { namespace, repo } = splitFullName(repository.str(nameKey), `${where}.${nameKey}`);
  return { forge, instanceUrl, namespace, repo };
}

/** Where and by whom a webhook event happened, and the repository's default branch. */
export function forgeEnvelope(
  forge: 'github' | 'gitlab',
  repository: PayloadReader,
  project: EventProject,
  at: { ref: EventRef; sha: string | null; actor: string | null },
) {
  return { source: forge, project, ...at, defaultBranch: repository.optStr('default_branch') };
}

type Envelope = ReturnType<typeof forgeEnvelope>;

/** Both forges list at most this many commits in a push. */
const LISTED_COMMITS = 20;

export interface PushFacts {
  /** The sha the ref now points at (GitLab: `checkout_sha`, else `after`). */
  sha: string;
  deleted: boolean;
  /** How many commits were pushed, when the payload says (GitLab `total_commits_count`). */
  total: number | null;
}

/**
 * A push of a branch (`push.branch`, with its files when every commit is listed) or a
 * tag (`push.tag`); a deleted ref and other refs are ignored.
 */
export function pushEvent(body: PayloadReader, facts: PushFacts, envelope: (ref: EventRef) => Envelope): ParseResult {
  const ref = body.str('ref');
  if (facts.deleted || ZERO_SHA.test(body.str('after'))) return ignored(`push deleted ${ref}`, 'push.deleted');
  const listed = body.has('commits') ? body.arr('commits').length : null;
  const pushed = { ref, before: body.optStr('before'), commitCount: facts.total ?? listed };
  const { sha } = facts;
  if (ref.startsWith('refs/heads/')) {
    const name = ref.slice('refs/heads/'.length);
    const changedFiles = pushedFiles(body, facts.total, LISTED_COMMITS);
    return { type: 'push.branch', ...envelope({ kind: 'branch', name }), sha, push: pushed, changedFiles };
  }
  if (ref.startsWith('refs/tags/')) {
    const name = ref.slice('refs/tags/'.length);
    return { type: 'push.tag', ...envelope({ kind: 'release', name }), sha, push: pushed };
  }
  return ignored(`push to ${ref} (neither a branch nor a tag)`, 'push.other');
}

/**
 * Files the pushed commits added, modified or removed, each once; null when the payload
 * does not list every pushed commit (`total` more than it lists: GitHub and GitLab list
 * at most 20) or lists no files at all.
 */
function pushedFiles(body: PayloadReader, total: number | null, maxListed: number): string[] | null {
  if (!body.has('commits')) return null;
  const listed = body.arr('commits');
  if (listed.some((c) => typeof c !== 'object' || c === null)) return null;
  if ((total ?? listed.length) > listed.length || (total === null && listed.length >= maxListed)) return null;
  const files = new Set<string>();
  let any = false;
  for (const commit of body.objects('commits')) {
    for (const key of ['added', 'modified', 'removed']) {
      if (!commit.has(key)) continue;
      any = true;
      for (const file of commit.arr(key)) if (typeof file === 'string') files.add(file);
    }
  }
  return any ? [...files] : null;
}

/** Names of the labels in `key` (`[{name}]` on GitHub, `[{title}]` on GitLab); null when absent. */
export function labelNames(owner: PayloadReader | null, key: string, field: 'name' | 'title'): string[] | null {
  if (!owner?.has(key)) return null;
  return owner.objects(key).map((label) => label.str(field));
}
