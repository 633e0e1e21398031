import { describe, expect, it } from '@jest/globals';
import { formatPath, readYaml } from './yaml.reader.js';

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

  it('stops on an alias that contains itself and on alias bombs, without throwing', () => {
    expect(readYaml('a: &a [*a]\n').problems[0]).toMatchObject({ severity: 'error' });
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    const y = readYaml(`${bomb.join('\n')}\n`);
    expect(y.value).toBeUndefined();
    expect(y.problems[0].message).toMatch(/too many values/);
  });

  it('formats paths with quotes where a key is not a plain word', () => {
    expect(formatPath(['jobs', 3, 'targets', 1])).toBe('jobs[3].targets[1]');
    expect(formatPath(['packages', 'python-copr', 'depends'])).toBe('packages.python-copr.depends');
    expect(formatPath(['packages', 'a.b'])).toBe('packages["a.b"]');
  });
});
