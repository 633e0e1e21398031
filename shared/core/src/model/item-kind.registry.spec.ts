import { describe, expect, it } from '@jest/globals';
import { ItemKinds, type ItemKindDefinition } from './item-kind.registry.js';

const kind = (name: string, jobs: ItemKindDefinition['jobs'], table = `eco.${name}s`): ItemKindDefinition => ({
  kind: name,
  jobs,
  groupTable: null,
  groupColumn: null,
  targetTable: table,
  groupLinkTable: `eco.step_${name}s`,
  groupLinkColumn: `${name}_id`,
  targetLinkTable: null,
  targetLinkColumn: null,
});

describe('ItemKinds', () => {
  it('finds the kind of a job, and the fallback kind for jobs no kind names', () => {
    const kinds = new ItemKinds([kind('build', ['build', 'scratch_build']), kind('run', '*')]);
    expect(kinds.ofJob('scratch_build').kind).toBe('build');
    expect(kinds.ofJob('propose_downstream').kind).toBe('run');
    expect(kinds.targetLink('build')).toEqual({ table: 'eco.step_builds', column: 'build_id' });
  });

  it('names the job no ecosystem of the process runs, and the kind it does not know', () => {
    const kinds = new ItemKinds([kind('build', ['build'])]);
    expect(() => kinds.ofJob('tests')).toThrow('no ecosystem of this process runs tests jobs');
    expect(() => kinds.get('sync')).toThrow('no ecosystem of this process has items of kind sync');
  });

  it('refuses two ecosystems claiming one kind, one job, or both the fallback', () => {
    expect(() => new ItemKinds([kind('build', ['build']), kind('build', ['other'])])).toThrow(
      'item kind build is defined twice',
    );
    expect(() => new ItemKinds([kind('build', ['build']), kind('rebuild', ['build'])])).toThrow(
      'job build is run by item kinds build and rebuild',
    );
    expect(() => new ItemKinds([kind('a', '*'), kind('b', '*')])).toThrow('item kinds a and b both take every job');
  });

  it('refuses a table name that is not an identifier (it is written into SQL)', () => {
    expect(() => new ItemKinds([kind('build', ['build'], 'eco.builds; drop table x')])).toThrow(
      'item kind build: eco.builds; drop table x is not a table name',
    );
  });
});
