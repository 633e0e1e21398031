import { describe, expect, it } from '@jest/globals';
import { YAML_LIMITS, formatPath, readYaml } from './yaml.reader.js';

describe('readYaml', () => {
  it('merges a list of sources: own keys win, then earlier sources over later ones', () => {
    const y = readYaml('a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 0\n');
    expect(y.value).toEqual({ a: { x: 1, y: 1 }, b: { y: 2, z: 2 }, c: { x: 0, y: 1, z: 2 } });
  });

  it('of several << keys in one mapping, the later wins (as PyYAML reads them)', () => {
    const y = readYaml('a: &a {x: 1, y: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n');
    expect((y.value as Record<string, unknown>).c).toEqual({ x: 1, y: 2 });
  });

  it('locates keys and values, merged ones where the anchor wrote them', () => {
    const y = readYaml('base: &b\n  targets: [one, two]\njob:\n  <<: *b\n  trigger: commit\n');
    expect(y.locate('job.trigger')).toEqual({ line: 5, column: 12 });
    expect(y.locate('job.trigger', 'key')).toEqual({ line: 5, column: 3 });
    expect(y.locate('job.targets[1]')).toEqual({ line: 2, column: 18 });
    expect(y.locate('job.nothing.here')).toEqual({ line: 4, column: 3 });
  });

  it('keeps keys as written and reads YAML 1.1 values as PyYAML does', () => {
    expect(readYaml('on: yes\n1.10: off\n').value).toEqual({ on: true, '1.10': false });
  });

  it('stops on an alias that contains itself, without throwing', () => {
    expect(readYaml('a: &a [*a]\n').problems[0]).toMatchObject({
      severity: 'error',
      message: 'an alias refers to a value that contains it',
    });
  });

  it('formats paths with quotes where a key is not a plain word', () => {
    expect(formatPath(['jobs', 3, 'targets', 1])).toBe('jobs[3].targets[1]');
    expect(formatPath(['packages', 'python-copr', 'depends'])).toBe('packages.python-copr.depends');
    expect(formatPath(['packages', 'a.b'])).toBe('packages["a.b"]');
  });
});

/** A "billion laughs" file: each anchor is a list of nine aliases of the one before (9^levels values). */
function laughs(levels: number, tail = 'jobs: *l9'): string {
  const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n${tail}\n`;
}

describe('limits: what a config may cost to read', () => {
  it('refuses an alias bomb, naming the limit and the line where the expansion goes over it', () => {
    const y = readYaml(laughs(9));
    expect(y.value).toBeUndefined();
    expect(y.problems).toEqual([
      {
        severity: 'error',
        message:
          'the file\'s aliases expand to more than 50,000 values, the limit for a config file (aliases of aliases multiply, as in a "billion laughs" file); packflow refuses it without expanding it',
        // l4 is nine aliases of l3 (7,381 values each): its seventh goes over.
        position: { line: 5, column: 40 },
        path: '',
      },
    ]);
  });

  it('reads aliases that stay under the limits as usual', () => {
    const y = readYaml(laughs(3, 'jobs: *l3'));
    expect(y.problems).toEqual([]);
    // l0 to l3, and jobs: l3 again.
    expect(JSON.stringify(y.value).match(/lol/g)).toHaveLength(9 + 9 ** 2 + 9 ** 3 + 2 * 9 ** 4);
  });

  it('refuses more aliases than the limit, even when each expands to little', () => {
    const aliases = Array(YAML_LIMITS.maxAliases + 1)
      .fill('*a')
      .join(', ');
    const y = readYaml(`a: &a x\nb: [${aliases}]\n`);
    expect(y.value).toBeUndefined();
    expect(y.problems[0].message).toBe('the file uses more than 1,000 aliases (*name), the limit for a config file');
  });

  it('refuses a file larger than the size limit before parsing it', () => {
    const y = readYaml(`# ${'x'.repeat(YAML_LIMITS.maxBytes)}\nspecfile_path: a.spec\n`);
    expect(y.value).toBeUndefined();
    expect(y.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        message:
          'the file is 524,313 bytes, more than the limit of 524,288 bytes (512 KiB) for a config file; packflow does not read it',
        position: { line: 1, column: 1 },
      }),
    ]);
  });

  it('refuses values nested deeper than the limit, in flow and in block style', () => {
    const message = 'values are nested more than 64 levels deep, the limit for a config file';
    expect(readYaml(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`).problems[0].message).toBe(message);
    const block = Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n');
    expect(readYaml(`${block} x\n`).problems[0].message).toBe(message);
  });
});

describe('syntax errors point at the line to change', () => {
  it('an over-indented key after `key: value` is reported on its own line, not the one before', () => {
    const y = readYaml(
      'specfile_path: x.spec\njobs:\n- job: copr_build\n  trigger: pull_request\n    targets: [fedora-all]\n',
    );
    expect(y.problems).toEqual([
      {
        severity: 'error',
        message:
          'YAML syntax: bad indentation: "targets:" is indented 4 spaces, deeper than "trigger:" on line 4, which already has a value; indent it 2 spaces to make it a key next to "trigger"',
        position: { line: 5, column: 5 },
        path: '',
      },
    ]);
  });

  it('a key out of line with the keys before it says how both are indented', () => {
    const y = readYaml('jobs:\n  - job: copr_build\n    trigger: pull_request\n   targets: [fedora-all]\n');
    expect(y.problems[0]).toMatchObject({
      message:
        'YAML syntax: bad indentation: "targets:" is indented 3 spaces, but line 3 before it ("trigger:") is indented 4 spaces; the keys of one mapping (and the items of one list) must start in the same column',
      position: { line: 4, column: 4 },
    });
  });

  it('a list item out of line with the item before it', () => {
    const y = readYaml('jobs:\n  - job: tests\n    targets:\n      - fedora-all\n     - epel-9\n');
    expect(y.problems[0]).toMatchObject({
      message: expect.stringMatching(/^YAML syntax: bad indentation: the list item is indented 5 spaces, but line 4/),
      position: { line: 5, column: 6 },
    });
  });
});
