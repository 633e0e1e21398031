// The spec editor: Patch tags found in the preamble only, replaced as a block with their
// comments, kept when asked, and every other line left exactly as written.
import { describe, expect, it } from '@jest/globals';
import { RpmSpec, commentLines, formatNumber } from './rpm-spec.editor.js';

const SPEC = `Name: hello
Version: 1.0
Release: 1%{?dist}
License: MIT
Source0: hello-1.0.tar.gz
Source1: extra.conf

# Old fix
# from upstream
Patch0001: old-fix.patch
Patch0002: https://example.com/kept.patch

%description
Patch9: not a tag, just words in a description

%package devel
Summary: headers
Patch3: sub.patch

%prep
%autosetup -p1

%changelog
- Patch7: mentioned in the changelog
`;

describe('RpmSpec', () => {
  it('finds Patch tags in the preamble (main and %package), with the comment lines above them', () => {
    const tags = new RpmSpec(SPEC, 'hello.spec').patchTags();
    expect(tags.map((t) => [t.number, t.file, t.line, t.commentStart])).toEqual([
      [1, 'old-fix.patch', 9, 7],
      [2, 'kept.patch', 10, 10],
      [3, 'sub.patch', 17, 17],
    ]);
  });

  it('replaces the Patch tags that are not kept, writing the new ones after the last kept tag', () => {
    const spec = new RpmSpec(SPEC, 'hello.spec').withPatches(
      [{ number: 3, file: 'new.patch', comment: ['# New'] }],
      new Set(['kept.patch']),
      4,
    );
    expect(spec.toString()).toBe(
      SPEC.replace('# Old fix\n# from upstream\nPatch0001: old-fix.patch\n', '')
        .replace(
          'Patch0002: https://example.com/kept.patch\n',
          'Patch0002: https://example.com/kept.patch\n# New\nPatch0003: new.patch\n',
        )
        .replace('Patch3: sub.patch\n', ''),
    );
  });

  it('writes the new tags where the first removed one was, else after the last Source tag', () => {
    const removed = new RpmSpec(SPEC, 'hello.spec').withPatches(
      [{ number: 1, file: 'a.patch', comment: [] }],
      new Set(),
      0,
    );
    expect(removed.toString()).toContain('Source1: extra.conf\n\nPatch1: a.patch\n\n%description');
    expect(removed.patchTags().map((t) => t.file)).toEqual(['a.patch']);

    const bare = new RpmSpec('Name: x\nVersion: 1\nSource: x.tgz\nBuildArch: noarch\n\n%prep\n%setup\n', 'x.spec');
    expect(bare.withPatches([{ number: 1, file: 'a.patch', comment: ['# A'] }], new Set(), 1).toString()).toBe(
      'Name: x\nVersion: 1\nSource: x.tgz\n# A\nPatch1: a.patch\nBuildArch: noarch\n\n%prep\n%setup\n',
    );
  });

  it('refuses a spec without %prep, naming the file', () => {
    const spec = new RpmSpec('Name: x\nVersion: 1\nSource: x.tgz\n\n%build\nmake\n', '/src/x.spec');
    expect(spec.hasPrep()).toBe(false);
    expect(() => spec.withPatches([], new Set(), 4)).toThrow(
      '/src/x.spec has no %prep section, so it cannot apply patches',
    );
  });

  it('tells whether %prep applies patches itself', () => {
    expect(new RpmSpec(SPEC, 'a').appliesPatchesAutomatically()).toBe(true);
    expect(
      new RpmSpec('Name: x\n%prep\n%setup -q\n%patch -P1 -p1\n%build\n%autopatch\n', 'a').appliesPatchesAutomatically(),
    ).toBe(false);
  });

  it('keeps the file byte for byte when nothing changes', () => {
    const spec = new RpmSpec(SPEC, 'hello.spec');
    const tags = spec.patchTags();
    expect(spec.withPatches([], new Set(tags.map((t) => t.file)), 4).toString()).toBe(SPEC);
  });
});

describe('commentLines and formatNumber', () => {
  it('turns text into # lines, keeping lines that are comments already', () => {
    expect(commentLines('Fix it\n\nBecause.\n')).toEqual(['# Fix it', '#', '# Because.']);
    expect(commentLines('# One\n#\n# Two\n')).toEqual(['# One', '#', '# Two']);
    expect(commentLines('')).toEqual([]);
  });

  it('pads patch numbers to the configured digits', () => {
    expect(formatNumber(7, 4)).toBe('0007');
    expect(formatNumber(7, 0)).toBe('7');
    expect(formatNumber(12345, 4)).toBe('12345');
  });
});
