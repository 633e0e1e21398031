import { describe, expect, it } from '@jest/globals';
import { parseCommentCommand } from './command.parser.js';
import { COMMAND_NAMES } from './event.schema.js';

describe('parseCommentCommand', () => {
  it('reads the command word after /packit', () => {
    expect(parseCommentCommand('/packit build')).toEqual({
      prefix: '/packit',
      name: 'build',
      word: 'build',
      unknown: null,
      identifier: null,
      package: null,
      args: [],
    });
  });

  it('treats copr-build as build and keeps the word as written', () => {
    expect(parseCommentCommand('/packit copr-build')).toMatchObject({ name: 'build', word: 'copr-build' });
  });

  it.each(COMMAND_NAMES.filter((name) => name !== 'build'))('knows %s', (word) => {
    expect(parseCommentCommand(`/packit ${word}`)).toMatchObject({ name: word, word, unknown: null });
  });

  it('reads /packit-stg as a prefix of its own', () => {
    expect(parseCommentCommand('/packit-stg test')).toMatchObject({ prefix: '/packit-stg', name: 'test' });
  });

  it('reads --identifier and --package, with a space or =', () => {
    expect(parseCommentCommand('/packit test --identifier fedora-only --package=ogr extra')).toMatchObject({
      name: 'test',
      identifier: 'fedora-only',
      package: 'ogr',
      args: ['extra'],
    });
    expect(parseCommentCommand('/packit test --id=x -p pkg')).toMatchObject({ identifier: 'x', package: 'pkg' });
  });

  it("reads the Fedora commands' --koji-target and --version", () => {
    expect(parseCommentCommand('/packit koji-build --koji-target f42-build-side-1234')).toMatchObject({
      name: 'koji-build',
      kojiTarget: 'f42-build-side-1234',
      args: [],
    });
    expect(parseCommentCommand('/packit upstream-koji-build --koji-target=f43 --package ogr')).toMatchObject({
      name: 'upstream-koji-build',
      kojiTarget: 'f43',
      package: 'ogr',
    });
    expect(parseCommentCommand('/packit pull-from-upstream --version 1.2.3')).toMatchObject({
      name: 'pull-from-upstream',
      version: '1.2.3',
    });
    expect(parseCommentCommand('/packit create-update')).toMatchObject({ name: 'create-update', args: [] });
    expect(parseCommentCommand('/packit propose-downstream --id fedora')).toMatchObject({
      name: 'propose-downstream',
      identifier: 'fedora',
    });
  });

  it('keeps a flag without its value as an argument', () => {
    expect(parseCommentCommand('/packit test --identifier')).toMatchObject({
      identifier: null,
      args: ['--identifier'],
    });
  });

  it('finds the command on any line and ignores the text around it', () => {
    const body = 'Thanks for the fix!\r\n\r\n  /packit   rebuild-failed  \r\nand some more text';
    expect(parseCommentCommand(body)).toMatchObject({ name: 'rebuild-failed' });
  });

  it('turns an unknown command into help, naming the unknown word', () => {
    expect(parseCommentCommand('/packit frobnicate now')).toMatchObject({
      name: 'help',
      word: 'frobnicate',
      unknown: 'frobnicate',
      args: ['now'],
    });
  });

  it('answers a bare /packit with help', () => {
    expect(parseCommentCommand('/packit')).toMatchObject({ name: 'help', word: '', unknown: null });
  });

  it('finds no command in ordinary comments', () => {
    expect(parseCommentCommand('looks good to me')).toBeNull();
    expect(parseCommentCommand('please run /packit build later')).toBeNull();
    expect(parseCommentCommand('/packitbuild')).toBeNull();
    expect(parseCommentCommand('')).toBeNull();
  });

  it('does not take inherited object keys for commands', () => {
    expect(parseCommentCommand('/packit constructor')).toMatchObject({ name: 'help', unknown: 'constructor' });
  });

  it('reads what planning needs: --labels, --commit, --release and a pull request to take builds from', () => {
    expect(parseCommentCommand('/packit test --id=e2e --labels a,b')).toMatchObject({
      identifier: 'e2e',
      labels: ['a', 'b'],
    });
    expect(parseCommentCommand('/packit test packit/ogr#123')).toMatchObject({
      name: 'test',
      buildsFrom: 'packit/ogr#123',
      args: ['packit/ogr#123'],
    });
    expect(parseCommentCommand('/packit build --commit main')).toMatchObject({ name: 'build', commit: 'main' });
    expect(parseCommentCommand('/packit propose-downstream --release=1.2.0')).toMatchObject({ release: '1.2.0' });
    expect(parseCommentCommand('/packit test --env FOO=1')).toMatchObject({ args: [] });
  });
});
