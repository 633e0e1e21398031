// `/packit …` comment commands. The first line of a comment that starts with `/packit`
// or `/packit-stg` (as a word of its own) is the command; the rest of the comment is
// free text. An unknown command word becomes `help` (the reply lists the commands), so a
// typo gets an answer instead of silence.
import type { PackitCommand } from './event.schema.js';

export const COMMAND_PREFIXES = ['/packit', '/packit-stg'] as const;

const COMMANDS: Record<string, PackitCommand['name']> = {
  build: 'build',
  'copr-build': 'build',
  test: 'test',
  'retest-failed': 'retest-failed',
  'rebuild-failed': 'rebuild-failed',
  'propose-downstream': 'propose-downstream',
  'koji-build': 'koji-build',
  help: 'help',
};

const IDENTIFIER_FLAGS = new Set(['--identifier', '--id', '-i']);
const PACKAGE_FLAGS = new Set(['--package', '-p']);

/** The command in a comment, or null when no line starts with a `/packit` prefix. */
export function parseCommentCommand(body: string): PackitCommand | null {
  for (const line of body.split(/\r?\n/)) {
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    const prefix = COMMAND_PREFIXES.find((p) => p === tokens[0]);
    if (!prefix) continue;
    return commandOf(prefix, tokens.slice(1));
  }
  return null;
}

function commandOf(prefix: PackitCommand['prefix'], tokens: string[]): PackitCommand {
  const word = tokens[0] ?? '';
  const known = Object.hasOwn(COMMANDS, word) ? COMMANDS[word] : undefined;
  const command: PackitCommand = {
    prefix,
    name: known ?? 'help',
    word,
    unknown: known || word === '' ? null : word,
    identifier: null,
    package: null,
    args: [],
  };
  const rest = tokens.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    const [flag, inline] =
      token.startsWith('-') && token.includes('=')
        ? [token.slice(0, token.indexOf('=')), token.slice(token.indexOf('=') + 1)]
        : [token, undefined];
    const isIdentifier = IDENTIFIER_FLAGS.has(flag);
    const isPackage = PACKAGE_FLAGS.has(flag);
    if (!isIdentifier && !isPackage) {
      command.args.push(token);
      continue;
    }
    const value = inline ?? (rest[i + 1] !== undefined && !rest[i + 1].startsWith('-') ? rest[++i] : undefined);
    if (!value) {
      // A flag without its value is kept as written; the worker's reply explains it.
      command.args.push(token);
      continue;
    }
    if (isIdentifier) command.identifier = value;
    else command.package = value;
  }
  return command;
}
