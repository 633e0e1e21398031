// What `packflow plan` does, loaded only when it runs (plan.command.ts registers it).
import { readFileSync } from 'node:fs';
import { ValidationError } from '@packflow/base';
import { commentCommandIn, formatDiagnostic, plan, planSummary, type Plan, type PlanEvent } from '@packflow/config';
import { planEventOfWebhook } from '@packflow/forges';
import { EXIT } from '../cli.errors.js';
import { loadConfigFile, releaseTable, resolveFromCaller } from './config.actions.js';

export interface PlanOpts {
  config?: string;
  event: string;
  eventType?: string;
  changedFiles?: string;
  comment?: string;
  labels?: string;
  json?: boolean;
}

/** `plan`: the pipeline a webhook payload would start under a config. */
export async function runPlan(opts: PlanOpts): Promise<number> {
  const releases = releaseTable();
  const { config, diagnostics } = loadConfigFile(opts.config, releases);
  // Errors, and warnings and notes too: they often explain a plan (an unknown key that was
  // meant as an option, build targets added for tests).
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!config) return EXIT.failed;
  const event = withOptions(readEvent(opts.event, opts.eventType), opts);
  const result = plan(config, event, releases);
  process.stdout.write(opts.json ? `${JSON.stringify(planSummary(result))}\n` : renderText(result));
  return EXIT.ok;
}

function readEvent(path: string, eventType: string | undefined): PlanEvent {
  let text: string;
  try {
    text = readFileSync(resolveFromCaller(path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return planEventOfWebhook(eventType, payload);
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

function withOptions(event: PlanEvent, opts: PlanOpts): PlanEvent {
  const out: PlanEvent = { ...event };
  if (opts.changedFiles !== undefined) out.changedFiles = list(opts.changedFiles);
  if (opts.labels !== undefined) out.labels = list(opts.labels);
  if (opts.comment !== undefined) {
    const commentOn =
      event.kind === 'comment'
        ? event.commentOn
        : event.kind === 'pull_request'
          ? 'pull_request'
          : event.kind === 'push'
            ? 'commit'
            : 'issue';
    Object.assign(out, { kind: 'comment', commentOn, comment: commentCommandIn(opts.comment) });
  }
  return out;
}

/** Steps as an indented tree (each under the step it waits for), then the jobs left out. */
function renderText(p: Plan): string {
  const lines: string[] = [];
  const byId = new Map(p.steps.map((s) => [s.id, s]));
  const children = (id: string): string[] => [...new Set(p.edges.filter((e) => e.from === id).map((e) => e.to))];
  const printed = new Set<string>();
  const print = (id: string, depth: number, parent?: string): void => {
    const step = byId.get(id)!;
    const scoped = parent ? p.edges.filter((e) => e.from === parent && e.to === id && e.target !== null).length : 0;
    const waits = scoped > 0 ? `  (waits target by target: ${scoped})` : '';
    const indent = '  '.repeat(depth + 1);
    if (printed.has(id)) {
      lines.push(`${indent}${id}  (see above)${waits}`);
      return;
    }
    printed.add(id);
    lines.push(
      `${indent}${id}  [${step.targets.join(', ')}]${waits}${step.reuses ? `  (reuses ${step.reuses.map((r) => r.targets.join(', ')).join('; ')})` : ''}`,
    );
    for (const child of children(id)) print(child, depth + 1, id);
  };
  lines.push(p.steps.length > 0 ? 'steps:' : 'steps: none');
  for (const s of p.steps) if (!p.edges.some((e) => e.to === s.id)) print(s.id, 0);
  if (p.skipped.length > 0) {
    lines.push('skipped:');
    for (const s of p.skipped) {
      // A monorepo job's identifier is its package when it has none: said once.
      const id = s.identifier !== s.package ? s.identifier : null;
      const name = [s.job, s.package, id].filter((x) => x !== null).join(' ');
      lines.push(`  ${name}${s.configPath ? ` (${s.configPath})` : ''}: ${s.reason}`);
    }
  }
  if (p.notes && p.notes.length > 0) {
    lines.push('notes:');
    for (const n of p.notes) lines.push(`  ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
