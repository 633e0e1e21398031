// Comments posted at most once. A comment packflow posts for work that may be retried (a
// failure comment whose report is sent again after a crash, the reply to a command whose
// message is redelivered) carries a hidden marker with its key at the end of its body; a
// retry looks for a comment with that marker on the pull request or issue and adopts it
// instead of posting a second one. Markdown hides HTML comments on GitHub, GitLab and Pagure.
import type { CommentTarget, ForgeClient, PostedComment, RepoId } from './forge.types.js';

/** The hidden marker of a comment's key (characters outside `[\w:.@/-]` become `_`). */
export function commentMarker(key: string): string {
  return `<!-- packflow:${key.replace(/[^\w:.@/-]/g, '_')} -->`;
}

/**
 * Posts `body` with the marker of `key`, unless (`lookFirst`, the default) a comment with
 * that marker is on the target already: then that one is answered, `adopted`.
 */
export async function commentOnce(
  forge: ForgeClient,
  repo: RepoId,
  target: CommentTarget,
  body: string,
  options: { key: string; lookFirst?: boolean },
): Promise<PostedComment & { adopted: boolean }> {
  const marker = commentMarker(options.key);
  if (options.lookFirst ?? true) {
    const found = await forge.findComment(repo, target, marker);
    if (found) return { ...found, adopted: true };
  }
  return { ...(await forge.comment(repo, target, `${body}\n\n${marker}`)), adopted: false };
}
