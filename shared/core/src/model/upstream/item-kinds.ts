// The kinds of items a step can run, and where each keeps its rows. One description,
// used by the repository queries and by the pipeline engine.

export type ItemKind = 'srpm_build' | 'copr_build' | 'tests' | 'koji_build' | 'job_run';

export interface ItemKindTables {
  kind: ItemKind;
  /** Group table (null: the item is its own group, e.g. an SRPM build). */
  groupTable: string | null;
  /** Column of the target table pointing at its group. */
  groupColumn: string | null;
  targetTable: string;
  /** step -> group link table (step_id, <group fk>); for group-less kinds, step -> item. */
  groupLinkTable: string;
  groupLinkColumn: string;
  /** step -> target link table (step_id, <target fk>); null when the group link is the target link. */
  targetLinkTable: string | null;
  targetLinkColumn: string | null;
}

export const ITEM_KINDS: Readonly<Record<ItemKind, ItemKindTables>> = {
  srpm_build: {
    kind: 'srpm_build',
    groupTable: null,
    groupColumn: null,
    targetTable: 'upstream.srpm_builds',
    groupLinkTable: 'upstream.pipeline_step_srpm_builds',
    groupLinkColumn: 'srpm_build_id',
    targetLinkTable: null,
    targetLinkColumn: null,
  },
  copr_build: {
    kind: 'copr_build',
    groupTable: 'upstream.copr_builds',
    groupColumn: 'copr_build_id',
    targetTable: 'upstream.copr_build_targets',
    groupLinkTable: 'upstream.pipeline_step_copr_builds',
    groupLinkColumn: 'copr_build_id',
    targetLinkTable: 'upstream.pipeline_step_copr_build_targets',
    targetLinkColumn: 'copr_build_target_id',
  },
  tests: {
    kind: 'tests',
    groupTable: 'upstream.test_runs',
    groupColumn: 'test_run_id',
    targetTable: 'upstream.test_run_targets',
    groupLinkTable: 'upstream.pipeline_step_test_runs',
    groupLinkColumn: 'test_run_id',
    targetLinkTable: 'upstream.pipeline_step_test_run_targets',
    targetLinkColumn: 'test_run_target_id',
  },
  koji_build: {
    kind: 'koji_build',
    groupTable: 'upstream.koji_builds',
    groupColumn: 'koji_build_id',
    targetTable: 'upstream.koji_build_targets',
    groupLinkTable: 'upstream.pipeline_step_koji_builds',
    groupLinkColumn: 'koji_build_id',
    targetLinkTable: 'upstream.pipeline_step_koji_build_targets',
    targetLinkColumn: 'koji_build_target_id',
  },
  job_run: {
    kind: 'job_run',
    groupTable: 'upstream.job_runs',
    groupColumn: 'job_run_id',
    targetTable: 'upstream.job_run_targets',
    groupLinkTable: 'upstream.pipeline_step_job_runs',
    groupLinkColumn: 'job_run_id',
    targetLinkTable: 'upstream.pipeline_step_job_run_targets',
    targetLinkColumn: 'job_run_target_id',
  },
};

/** Which kind of item a job's step runs. */
export function itemKindOfJob(job: string): ItemKind {
  switch (job) {
    case 'srpm_build':
      return 'srpm_build';
    case 'copr_build':
      return 'copr_build';
    case 'tests':
      return 'tests';
    case 'koji_build':
    case 'upstream_koji_build':
      return 'koji_build';
    default:
      return 'job_run';
  }
}

/** Where the step -> target links of a kind live (group-less kinds link the item itself). */
export function targetLinkOf(kind: ItemKind): { table: string; column: string } {
  const k = ITEM_KINDS[kind];
  return { table: k.targetLinkTable ?? k.groupLinkTable, column: k.targetLinkColumn ?? k.groupLinkColumn };
}

/**
 * SQL: the forge and instance URL (`pr.forge`, `pr.instance_url`) of the projects whose
 * pipelines link the target row `alias` of `kind`. For scoping work to the projects one
 * worker deployment serves.
 */
export function targetProjectsSql(kind: ItemKind, alias: string): string {
  const link = targetLinkOf(kind);
  return `select pr.forge, pr.instance_url from ${link.table} l
            join shared.pipeline_steps s on s.id = l.step_id
            join shared.pipelines p on p.id = s.pipeline_id
            join shared.projects pr on pr.id = p.project_id
           where l.${link.column} = ${alias}.id`;
}
