// `/packit build --package python-copr` -> { command: 'build', package: 'python-copr', … }.
import type { CommentCommand } from './plan-event.types.js';

/**
 * Finds the first line of a comment that starts with `/packit` (or `/packit-stg`) and
 * parses it; undefined when no line does (an ordinary comment).
 */
export function parseCommentCommand(text: string): CommentCommand | undefined {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^\/packit(-stg)?(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const words = (m[2] ?? '').split(/\s+/).filter(Boolean);
    const command = words.shift() ?? '';
    const out: CommentCommand = { command, args: words, instance: m[1] ? 'stg' : 'prod' };
    for (let i = 0; i < words.length; i++) {
      const [flag, inline] = words[i].split(/=(.*)/s, 2);
      const value = (): string | undefined => (inline !== undefined ? inline : words[++i]);
      switch (flag) {
        case '--identifier':
        case '--id':
          out.identifier = value();
          break;
        case '--package':
          out.package = value();
          break;
        case '--labels':
          out.labels = (value() ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          break;
        case '--commit':
          out.commit = value();
          break;
        case '--release':
          out.release = value();
          break;
        case '--env':
          value();
          break;
        default:
          if (/^[\w.-]+\/[\w./-]+#\d+$/.test(words[i])) out.buildsFrom = words[i];
      }
    }
    return out;
  }
  return undefined;
}
