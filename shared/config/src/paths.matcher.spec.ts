import { describe, expect, it } from '@jest/globals';
import { pathsMatch } from './paths.matcher.js';

describe('pathsMatch', () => {
  it('matches files under a directory, however the path is written', () => {
    for (const p of ['./python', 'python', 'python/', '/python', './python/']) {
      expect(pathsMatch([p], ['python/copr/client.py'])).toBe(true);
      expect(pathsMatch([p], ['python-extra/setup.py'])).toBe(false);
    }
  });

  it('treats . (the default) as the whole repository, even when nothing is listed', () => {
    expect(pathsMatch(['.'], [])).toBe(true);
    expect(pathsMatch(['./'], ['README.md'])).toBe(true);
  });

  it('matches a file path exactly and simple globs', () => {
    expect(pathsMatch(['rpm/foo.spec'], ['rpm/foo.spec'])).toBe(true);
    expect(pathsMatch(['docs/*.md'], ['docs/a.md'])).toBe(true);
    expect(pathsMatch(['docs/*.md'], ['docs/sub/a.md'])).toBe(false);
    expect(pathsMatch(['**/*.spec'], ['deep/dir/x.spec'])).toBe(true);
  });
});
