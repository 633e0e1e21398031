// Every target a step counts, whatever its kind, as one relation:
// (step_id, kind, group_id, id, target, attempt, status, reason, external_id, web_url,
//  log_url, created_at, started_at, finished_at). A step links to one group and, per
// target, to the targets it counts (group-less kinds link the item itself). The kinds
// are those of the ecosystems the process runs (see item-kind.registry.ts).
import type { ItemKindDefinition, ItemKinds } from '../model/item-kind.registry.js';

/** Every column of a target row the read model (TargetState) holds. */
const columns = `t.id, t.target, t.attempt, t.status, t.reason, t.external_id, t.idempotency_key, t.web_url, t.log_url,
  t.queued_at, t.started_at, t.finished_at, t.deadline_at, t.created_at, t.data`;

/**
 * SQL of the relation; `stepFilter` restricts the link rows, e.g. `step_id = any($1)`.
 */
export function stepTargetsSql(kinds: ItemKinds, stepFilter: string): string {
  return kinds
    .all()
    .map((k) => {
      const link = kinds.targetLink(k.kind);
      const group = k.groupColumn ? `t.${k.groupColumn}` : 'null::bigint';
      return `select l.step_id, '${k.kind}' as kind, ${group} as group_id, ${columns}
         from ${link.table} l join ${k.targetTable} t on t.id = l.${link.column}
        where l.${stepFilter}`;
    })
    .join('\n union all\n');
}

/** The fields of a TargetState, as (key, SQL over a target row of that relation, alias `x`). */
const targetFields: [string, string][] = [
  ['id', 'x.id::text'],
  ['kind', 'x.kind'],
  ['groupId', 'x.group_id::text'],
  ['target', 'x.target'],
  ['attempt', 'x.attempt'],
  ['status', 'x.status'],
  ['reason', 'x.reason'],
  ['externalId', 'x.external_id'],
  ['idempotencyKey', 'x.idempotency_key'],
  ['webUrl', 'x.web_url'],
  ['logUrl', 'x.log_url'],
  ['queuedAt', 'x.queued_at'],
  ['startedAt', 'x.started_at'],
  ['finishedAt', 'x.finished_at'],
  ['deadlineAt', 'x.deadline_at'],
  ['createdAt', 'x.created_at'],
  ['data', 'x.data'],
];

/** SQL: `json_build_object` of these fields, keys in the order given. */
export const jsonObject = (fields: [string, string][]) =>
  `json_build_object(${fields.map(([key, value]) => `'${key}', ${value}`).join(', ')})`;

/**
 * SQL: the same object as {@link jsonObject}, keys in the order jsonb prints them (shorter
 * keys first, then bytewise): the text `jsonb` would give, without building a jsonb
 * (building one and merging with `||` costs more than the rest of a read).
 */
export const jsonObjectInJsonbOrder = (fields: [string, string][]) =>
  jsonObject([...fields].sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)));

/** The JSON object (a TargetState) of one target row of that relation (alias `x`). */
export const targetJson = jsonObject(targetFields);

/** A target's JSON object with more fields, keys in jsonb's order (see {@link jsonObjectInJsonbOrder}). */
export const targetJsonWith = (more: [string, string][]) => jsonObjectInJsonbOrder([...targetFields, ...more]);

/** For a step, the group it links to, whatever the kind (one row or none). */
export function stepGroupSql(kinds: ItemKinds, stepParam: string): string {
  return kinds
    .all()
    .map(
      (k) =>
        `select '${k.kind}' as kind, ${k.groupLinkColumn} as group_id from ${k.groupLinkTable} where step_id = ${stepParam}`,
    )
    .join('\n union all ');
}

/** All targets of a group (every target and every attempt), alias-compatible with `targetJson`. */
export function groupTargetsSql(kinds: ItemKinds, kindExpr: string, groupExpr: string): string {
  return kinds
    .all()
    .map((k) =>
      k.groupColumn
        ? `select '${k.kind}' as kind, t.${k.groupColumn} as group_id, ${columns}
             from ${k.targetTable} t where ${kindExpr} = '${k.kind}' and t.${k.groupColumn} = ${groupExpr}`
        : `select '${k.kind}' as kind, null::bigint as group_id, ${columns} from ${k.targetTable} t
            where ${kindExpr} = '${k.kind}' and t.id = ${groupExpr}`,
    )
    .join('\n union all\n');
}

/**
 * SQL: the forge and instance URL (`pr.forge`, `pr.instance_url`) of the projects whose
 * pipelines (`p`, with their `p.owner`) link the target row `alias` of `kind`. For scoping
 * work to the pipelines one worker deployment owns.
 */
export function targetProjectsSql(kinds: ItemKinds, kind: ItemKindDefinition['kind'], alias: string): string {
  const link = kinds.targetLink(kind);
  return `select pr.forge, pr.instance_url, p.owner from ${link.table} l
            join shared.pipeline_steps s on s.id = l.step_id
            join shared.pipelines p on p.id = s.pipeline_id
            join shared.projects pr on pr.id = p.project_id
           where l.${link.column} = ${alias}.id`;
}

/** The JSON object of a project row (alias given). */
export const projectJson = (alias: string) =>
  `json_build_object('id', ${alias}.id::text, 'forge', ${alias}.forge, 'instanceUrl', ${alias}.instance_url,
     'namespace', ${alias}.namespace, 'repo', ${alias}.repo)`;
