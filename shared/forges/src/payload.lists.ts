// Lists both forges' payloads carry in the same shape: the files of pushed commits
// (`commits[].added/modified/removed`) and label names.
import type { PayloadReader } from '@packflow/events';

/**
 * Files the pushed commits added, modified or removed, each once; null when the payload
 * does not list every pushed commit (`total` more than it lists: GitHub and GitLab list
 * at most 20) or lists no files at all.
 */
export function pushedFiles(body: PayloadReader, total: number | null, maxListed: number): string[] | null {
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
