import { describe, expect, it } from '@jest/globals';
import { RpmSpec } from './rpm-spec.editor.js';
import { changelogOf, expandedSource0, withNewRelease } from './spec-release.editor.js';

const SPEC = `%global forgeurl https://github.com/acme/hello
Name:           hello
Version:        1.0
Release:        3%{?dist}
Summary:        Hello
URL:            %{forgeurl}
Source0:        %{url}/archive/v%{version}/%{name}-%{version}.tar.gz

%description
Hello.

%prep
%autosetup

%changelog
* Mon Jan 05 2026 Old Hand <old@example.com> - 1.0-3
- Rebuilt
`;

const author = { name: 'Packit', email: 'hello@packit.dev' };
const date = new Date('2026-12-02T12:00:00Z');

describe('withNewRelease', () => {
  it('sets Version, resets Release keeping %{?dist} and puts the entry on top of %changelog', () => {
    const out = withNewRelease(new RpmSpec(SPEC, 'hello.spec'), {
      version: '1.2',
      entry: ['Update to 1.2 upstream release', 'Fixes 100%'],
      author,
      date,
    }).toString();
    expect(out).toContain('Version:        1.2\nRelease:        1%{?dist}\n');
    expect(out).toContain(
      '%changelog\n* Wed Dec 02 2026 Packit <hello@packit.dev> - 1.2-1\n- Update to 1.2 upstream release\n- Fixes 100%%\n\n* Mon Jan 05 2026 Old Hand',
    );
  });

  it('leaves %autorelease and %autochangelog to rpmautospec', () => {
    const auto = SPEC.replace('3%{?dist}', '%autorelease').replace(
      /%changelog\n[\s\S]*$/,
      '%changelog\n%autochangelog\n',
    );
    const out = withNewRelease(new RpmSpec(auto, 'hello.spec'), {
      version: '2.0',
      entry: ['x'],
      author,
      date,
    }).toString();
    expect(out).toContain('Version:        2.0\nRelease:        %autorelease\n');
    expect(out.endsWith('%changelog\n%autochangelog\n')).toBe(true);
  });

  it('uses a given changelog (sync_changelog) before adding the entry', () => {
    const upstream = ['* Tue Dec 01 2026 Up Stream <up@example.com> - 1.2-1', '- Upstream notes'];
    const out = withNewRelease(new RpmSpec(SPEC, 'hello.spec'), {
      version: '1.2',
      entry: ['New'],
      author,
      date,
      changelog: upstream,
    });
    expect(changelogOf(out)).toEqual(['* Wed Dec 02 2026 Packit <hello@packit.dev> - 1.2-1', '- New', '', ...upstream]);
  });

  it('refuses a version rpm would not take, and a spec without Version', () => {
    expect(() => withNewRelease(new RpmSpec(SPEC, 'hello.spec'), { version: '1 2', entry: [], author })).toThrow(
      '"1 2" is not an RPM version',
    );
    expect(() => withNewRelease(new RpmSpec('Name: x\n', 'x.spec'), { version: '1', entry: [], author })).toThrow(
      'x.spec has no Version tag',
    );
  });
});

describe('expandedSource0', () => {
  it('expands %{url}, %{name}, %{version} (the new one) and %global macros', () => {
    expect(expandedSource0(new RpmSpec(SPEC, 'hello.spec'), '1.2')).toBe(
      'https://github.com/acme/hello/archive/v1.2/hello-1.2.tar.gz',
    );
  });

  it('names a macro it cannot expand', () => {
    const spec = new RpmSpec(SPEC.replace('%{url}/archive', '%{pypi_source}'), 'hello.spec');
    expect(() => expandedSource0(spec, '1.2')).toThrow('uses the macro %pypi_source');
  });
});
