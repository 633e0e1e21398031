// Patch trailers as Packit documents them: YAML values, block scalars for Patch-status,
// other trailers (Signed-off-by) ignored, wrong types named with the commit.
import { describe, expect, it } from '@jest/globals';
import { messageWithoutTrailers, parsePatchTrailers } from './patch-trailers.js';

describe('parsePatchTrailers', () => {
  it('reads every patch trailer, a Patch-status block included', () => {
    const block =
      'Patch-name: clev:er.patch\nPatch-id: 200\nPatch-status: |\n    # The: empty line\n    #\n    # needs to be here\n' +
      'Patch-present-in-specfile: true\nIgnore-patch: false\nNo-prefix: yes\nSigned-off-by: Ada <ada@example.com>\n';
    expect(parsePatchTrailers(block, 'commit abc')).toEqual({
      name: 'clev:er.patch',
      id: 200,
      status: '# The: empty line\n#\n# needs to be here\n',
      presentInSpecfile: true,
      ignore: false,
      noPrefix: true,
    });
  });

  it('defaults everything when the commit has none of them', () => {
    expect(parsePatchTrailers('Signed-off-by: Ada <ada@example.com>\n', 'c')).toEqual({
      name: null,
      id: null,
      status: null,
      presentInSpecfile: false,
      ignore: false,
      noPrefix: false,
    });
  });

  it.each([
    ['Patch-id: first\n', 'commit abc: Patch-id must be a whole number, got "first"'],
    ['Patch-name: dir/x.patch\n', `commit abc: Patch-name must be a file name without '/', got "dir/x.patch"`],
    ['Ignore-patch: maybe\n', 'commit abc: Ignore-patch must be true or false, got "maybe"'],
    ['Patch-status: [unclosed\n', 'commit abc: trailer Patch-status is not valid YAML'],
  ])('names the commit and the trailer for %j', (block, message) => {
    expect(() => parsePatchTrailers(block, 'commit abc')).toThrow(message);
  });
});

describe('messageWithoutTrailers', () => {
  it('drops the trailer paragraph when git found one', () => {
    expect(messageWithoutTrailers('Fix\n\nWhy.\n\nPatch-name: a.patch\n', 'Patch-name: a.patch\n')).toBe('Fix\n\nWhy.');
    expect(messageWithoutTrailers('Fix\n\nWhy.\n', '')).toBe('Fix\n\nWhy.');
  });
});
