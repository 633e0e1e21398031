import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, optionalTextColumn, TargetRow, targetColumns, targetIndexes } from '@packflow/core';
import { CoprBuild, CoprBuildTarget } from './copr-build.entity.js';

/** A set of Testing Farm requests for one tests job: the group of its test targets. */
export class TestRun {
  id!: string;
  /** The Copr build whose chroots it tests (none for `skip_build` tests). */
  coprBuild?: CoprBuild | null;
  createdAt!: Date;
}

export const TestRunSchema = new EntitySchema<TestRun>({
  class: TestRun,
  schema: 'upstream',
  tableName: 'test_runs',
  properties: {
    id: idColumn,
    coprBuild: { kind: 'm:1', entity: () => CoprBuild, nullable: true, deleteRule: 'set null' },
    createdAt: createdAtColumn,
  },
});

/** One Testing Farm request (one test target). */
export class TestRunTarget extends TargetRow {
  testRun!: TestRun;
  /** The chroot build this target tested. */
  coprBuildTarget?: CoprBuildTarget | null;
  /** SHA-256 of the token given to Testing Farm for its notification (never the token). */
  notificationTokenHash?: string | null;
}

export const TestRunTargetSchema = new EntitySchema<TestRunTarget>({
  class: TestRunTarget,
  schema: 'upstream',
  tableName: 'test_run_targets',
  properties: {
    id: idColumn,
    testRun: { kind: 'm:1', entity: () => TestRun, deleteRule: 'cascade' },
    coprBuildTarget: { kind: 'm:1', entity: () => CoprBuildTarget, nullable: true, deleteRule: 'set null' },
    notificationTokenHash: optionalTextColumn,
    ...targetColumns('test_run_targets'),
  },
  indexes: [
    { name: 'test_run_targets_group_index', properties: ['testRun', 'target'] },
    ...targetIndexes<TestRunTarget>('test_run_targets'),
    // A notification that comes before packflow recorded its request's id: found by its token.
    {
      name: 'test_run_targets_waiting_token_index',
      expression: `create index "test_run_targets_waiting_token_index" on "upstream"."test_run_targets" ("notification_token_hash") where "external_id" is null`,
    },
  ],
});
