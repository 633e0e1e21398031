// Every target a step counts, whatever its kind, as one relation:
// (step_id, kind, group_id, id, target, attempt, status, reason, external_id, web_url,
//  log_url, created_at, started_at, finished_at). A step links to one group and, per
// target, to the targets it counts (group-less kinds link the item itself).
import { ITEM_KINDS, targetLinkOf } from '../model/upstream/item-kinds.js';

const kinds = Object.values(ITEM_KINDS);

const columns =
  't.id, t.target, t.attempt, t.status, t.reason, t.external_id, t.web_url, t.log_url, t.created_at, t.started_at, t.finished_at';

/** The target columns the engine needs besides those the views show. */
export const ENGINE_TARGET_COLUMNS = `${columns}, t.idempotency_key, t.queued_at, t.deadline_at, t.data`;

/**
 * SQL of the relation; `stepFilter` restricts the link rows, e.g. `step_id = any($1)`;
 * `targetColumns` chooses what of each target row is selected (alias `t`).
 */
export function stepTargetsSql(stepFilter: string, targetColumns: string = columns): string {
  return kinds
    .map((k) => {
      const link = targetLinkOf(k.kind);
      const group = k.groupColumn ? `t.${k.groupColumn}` : 'null::bigint';
      return `select l.step_id, '${k.kind}' as kind, ${group} as group_id, ${targetColumns}
         from ${link.table} l join ${k.targetTable} t on t.id = l.${link.column}
        where l.${stepFilter}`;
    })
    .join('\n union all\n');
}

/** The JSON object of one target row of that relation (alias `x`). */
export const targetJson = `json_build_object(
  'id', x.id::text, 'kind', x.kind, 'groupId', x.group_id::text, 'target', x.target, 'attempt', x.attempt,
  'status', x.status, 'reason', x.reason, 'externalId', x.external_id, 'webUrl', x.web_url,
  'logUrl', x.log_url, 'startedAt', x.started_at, 'finishedAt', x.finished_at)`;

/** For a step, the group it links to, whatever the kind (one row or none). */
export function stepGroupSql(stepParam: string): string {
  return kinds
    .map(
      (k) =>
        `select '${k.kind}' as kind, ${k.groupLinkColumn} as group_id from ${k.groupLinkTable} where step_id = ${stepParam}`,
    )
    .join('\n union all ');
}

/** All targets of a group (every target and every attempt), alias-compatible with `targetJson`. */
export function groupTargetsSql(kindExpr: string, groupExpr: string): string {
  return kinds
    .map((k) =>
      k.groupColumn
        ? `select '${k.kind}' as kind, t.${k.groupColumn} as group_id, ${columns}
             from ${k.targetTable} t where ${kindExpr} = '${k.kind}' and t.${k.groupColumn} = ${groupExpr}`
        : `select '${k.kind}' as kind, null::bigint as group_id, ${columns} from ${k.targetTable} t
            where ${kindExpr} = '${k.kind}' and t.id = ${groupExpr}`,
    )
    .join('\n union all\n');
}

/** The JSON object of a project row (alias given). */
export const projectJson = (alias: string) =>
  `json_build_object('id', ${alias}.id::text, 'forge', ${alias}.forge, 'instanceUrl', ${alias}.instance_url,
     'namespace', ${alias}.namespace, 'repo', ${alias}.repo)`;
