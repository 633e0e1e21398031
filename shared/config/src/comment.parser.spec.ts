import { describe, expect, it } from '@jest/globals';
import { parseCommentCommand } from './comment.parser.js';

describe('parseCommentCommand', () => {
  it('reads the command and its options', () => {
    expect(parseCommentCommand('/packit test --identifier e2e --package python-copr')).toEqual({
      command: 'test',
      args: ['--identifier', 'e2e', '--package', 'python-copr'],
      identifier: 'e2e',
      package: 'python-copr',
      instance: 'prod',
    });
    expect(parseCommentCommand('/packit test --id=e2e --labels a,b')).toMatchObject({
      identifier: 'e2e',
      labels: ['a', 'b'],
    });
    expect(parseCommentCommand('/packit test packit/ogr#123')).toMatchObject({
      command: 'test',
      buildsFrom: 'packit/ogr#123',
    });
    expect(parseCommentCommand('/packit build --commit main')).toMatchObject({ command: 'build', commit: 'main' });
  });

  it('finds the command on any line and tells the staging instance apart', () => {
    expect(parseCommentCommand('Thanks!\r\n\r\n/packit-stg copr-build\nmore')).toMatchObject({
      command: 'copr-build',
      instance: 'stg',
    });
  });

  it('returns undefined for an ordinary comment', () => {
    expect(parseCommentCommand('looks good, /packit build later')).toBeUndefined();
    expect(parseCommentCommand('/packitbuild')).toBeUndefined();
  });
});
