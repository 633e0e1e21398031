// Every target a step counts, whatever its kind, as one relation:
// (step_id, kind, group_id, id, target, attempt, status, reason, external_id, web_url,
//  log_url, created_at, started_at, finished_at). Kinds live in the upstream base; a
// step links to one group and, per target, to the targets it counts.
const kinds = [
  { kind: 'copr_build', link: 'pipeline_step_copr_build_targets', fk: 'copr_build_target_id', table: 'copr_build_targets', group: 'copr_build_id' },
  { kind: 'tests', link: 'pipeline_step_test_run_targets', fk: 'test_run_target_id', table: 'test_run_targets', group: 'test_run_id' },
  { kind: 'koji_build', link: 'pipeline_step_koji_build_targets', fk: 'koji_build_target_id', table: 'koji_build_targets', group: 'koji_build_id' },
] as const;

const columns = 't.id, t.target, t.attempt, t.status, t.reason, t.external_id, t.web_url, t.log_url, t.created_at, t.started_at, t.finished_at';

/** SQL of the relation; `stepFilter` restricts the link rows, e.g. `step_id = any($1)`. */
export function stepTargetsSql(stepFilter: string): string {
  const parts = kinds.map(
    (k) =>
      `select l.step_id, '${k.kind}' as kind, t.${k.group} as group_id, ${columns}
         from upstream.${k.link} l join upstream.${k.table} t on t.id = l.${k.fk}
        where l.${stepFilter}`,
  );
  parts.push(
    `select l.step_id, 'srpm_build' as kind, null::bigint as group_id, ${columns}
       from upstream.pipeline_step_srpm_builds l join upstream.srpm_builds t on t.id = l.srpm_build_id
      where l.${stepFilter}`,
  );
  return parts.join('\n union all\n');
}

/** The JSON object of one target row of that relation (alias `x`). */
export const targetJson = `json_build_object(
  'id', x.id::text, 'kind', x.kind, 'groupId', x.group_id::text, 'target', x.target, 'attempt', x.attempt,
  'status', x.status, 'reason', x.reason, 'externalId', x.external_id, 'webUrl', x.web_url,
  'logUrl', x.log_url, 'startedAt', x.started_at, 'finishedAt', x.finished_at)`;

/** For a step, the group it links to, whatever the kind (one row or none). */
export function stepGroupSql(stepParam: string): string {
  return `select 'copr_build' as kind, copr_build_id as group_id from upstream.pipeline_step_copr_builds where step_id = ${stepParam}
    union all select 'tests', test_run_id from upstream.pipeline_step_test_runs where step_id = ${stepParam}
    union all select 'koji_build', koji_build_id from upstream.pipeline_step_koji_builds where step_id = ${stepParam}
    union all select 'srpm_build', srpm_build_id from upstream.pipeline_step_srpm_builds where step_id = ${stepParam}`;
}

/** All targets of a group (every chroot and every attempt), alias-compatible with `targetJson`. */
export function groupTargetsSql(kindExpr: string, groupExpr: string): string {
  return kinds
    .map(
      (k) =>
        `select '${k.kind}' as kind, t.${k.group} as group_id, ${columns}
           from upstream.${k.table} t where ${kindExpr} = '${k.kind}' and t.${k.group} = ${groupExpr}`,
    )
    .concat(
      `select 'srpm_build', null::bigint, ${columns} from upstream.srpm_builds t
        where ${kindExpr} = 'srpm_build' and t.id = ${groupExpr}`,
    )
    .join('\n union all\n');
}

/** The JSON object of a project row (alias given). */
export const projectJson = (alias: string) =>
  `json_build_object('id', ${alias}.id::text, 'forge', ${alias}.forge, 'instanceUrl', ${alias}.instance_url,
     'namespace', ${alias}.namespace, 'repo', ${alias}.repo)`;
