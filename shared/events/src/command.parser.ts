// `/packit …` comment commands: the one parser, for webhooks (the forge drivers), bus
// messages (Pagure comments) and `packflow plan --comment`. The first line of a comment
// that starts with `/packit` or `/packit-stg` (as a word of its own) is the command; the
// rest of the comment is free text. An unknown command word becomes `help` (the reply
// lists the commands), so a typo gets an answer instead of silence.
import { COMMAND_NAMES, type PackitCommand } from './event.schema.js';

export const COMMAND_PREFIXES = ['/packit', '/packit-stg'] as const;

const COMMANDS: Record<string, PackitCommand['name']> = {
  ...Object.fromEntries(COMMAND_NAMES.map((name) => [name, name])),
  'copr-build': 'build',
};

/** Flags that take a value, and the field each fills. */
const VALUE_FLAGS: Record<
  string,
  'identifier' | 'package' | 'labels' | 'commit' | 'release' | 'env' | 'kojiTarget' | 'version'
> = {
  '--identifier': 'identifier',
  '--id': 'identifier',
  '-i': 'identifier',
  '--package': 'package',
  '-p': 'package',
  '--labels': 'labels',
  '--commit': 'commit',
  '--release': 'release',
  '--env': 'env',
  // Koji builds (`koji-build`, `upstream-koji-build`): the Koji target to build in.
  '--koji-target': 'kojiTarget',
  // `pull-from-upstream` on a dist-git pull request: the upstream version to land.
  '--version': 'version',
};

/** `namespace/repo#123`: `/packit test` with the builds of that pull request. */
const PULL_REQUEST_REF = /^[\w.-]+\/[\w./-]+#\d+$/;

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
    const field = Object.hasOwn(VALUE_FLAGS, flag) ? VALUE_FLAGS[flag] : undefined;
    if (!field) {
      if (PULL_REQUEST_REF.test(token)) command.buildsFrom = token;
      command.args.push(token);
      continue;
    }
    const value = inline ?? (rest[i + 1] !== undefined && !rest[i + 1].startsWith('-') ? rest[++i] : undefined);
    if (!value) {
      // A flag without its value is kept as written; the worker's reply explains it.
      command.args.push(token);
      continue;
    }
    if (field === 'labels')
      command.labels = value
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean);
    else if (field !== 'env') command[field] = value;
  }
  return command;
}
