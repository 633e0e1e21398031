// `/packit koji-build` and `/packit create-update` on an upstream issue, as Packit takes
// them: the issue is one Packit (or packflow) opened about a failed Fedora job, and its text
// names the dist-git repository (`… in dist-git (https://src.fedoraproject.org/rpms/x):`)
// and, in a table, the branches that failed (`| \`f37\` | … |`). The job runs on that
// dist-git, with the configuration dist-git has (rawhide), for those branches, each
// branch's Koji build from that branch's head.
import { commentCommandOf, plan, type Plan, type ReleaseTable } from '@packflow/config';
import type { Logger } from '@packflow/core';
import type { PipelineEngine } from '@packflow/engine';
import type { EventMessageMeta, EventOfType } from '@packflow/events';
import type { ForgeRegistry } from '../forge/forge.registry.js';
import type { UpstreamRepository } from '../upstream.repository.js';
import { commandStepOptions } from './dist-git.commands.js';
import { branchHead, distGitConfig, type DistGit } from './dist-git.config.js';

export interface RetriggerTarget {
  /** The dist-git repository's origin, namespace and name. */
  instanceUrl: string;
  namespace: string;
  repo: string;
  branches: string[];
}

/** The dist-git and branches an issue's text names; undefined when it names no dist-git or no branch. */
export function retriggerTargetOf(text: string | null | undefined): RetriggerTarget | undefined {
  const url = text ? /dist-git \((https?:\/\/[^)\s]+?)(?:\.git)?\)/.exec(text)?.[1] : undefined;
  if (!url) return undefined;
  const parsed = new URL(url);
  const parts = parsed.pathname.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  const branches = [...new Set([...text!.matchAll(/\|\s*`([\w.-]+)`\s*\|/g)].map((m) => m[1]))];
  if (branches.length === 0) return undefined;
  return { instanceUrl: parsed.origin, namespace: parts.slice(0, -1).join('/'), repo: parts.at(-1)!, branches };
}

/** The plan with each step's targets cut to `branches` (steps left without one go, with their edges). */
export function onlyBranches(plan: Plan, branches: string[]): Plan {
  const steps = plan.steps
    .map((s) => ({ ...s, targets: s.targets.filter((t) => branches.includes(t)) }))
    .filter((s) => s.targets.length > 0);
  const kept = new Set(steps.map((s) => s.id));
  const edges = plan.edges.filter(
    (e) => kept.has(e.from) && kept.has(e.to) && (e.target === null || branches.includes(e.target)),
  );
  return { ...plan, steps, edges };
}

export interface IssueRetriggerDeps {
  repository: UpstreamRepository;
  engine: PipelineEngine;
  forges: ForgeRegistry;
  releases: ReleaseTable;
  distGit?: DistGit;
}

/**
 * Starts the retrigger an issue comment asks for (write access to the upstream was
 * checked): one pipeline on the dist-git project, its steps cut to the issue's branches,
 * each branch's Koji build from that branch's head (`branch_heads`).
 */
export async function startIssueRetrigger(
  d: IssueRetriggerDeps,
  event: EventOfType<'issue.comment'> & EventMessageMeta,
  reply: (body: string) => Promise<void>,
  logger: Logger,
): Promise<void> {
  const word = `\`${event.command.prefix} ${event.command.word}\``;
  const target = retriggerTargetOf(event.issue?.body);
  if (!target) return reply(`${word} on an issue needs an issue that names the dist-git repository and its branches.`);
  const project = { forge: 'pagure' as const, ...target };
  if (!d.distGit || !d.forges.serves(project))
    return reply(
      `packflow has no identity on ${target.instanceUrl} to run ${word} for ${target.namespace}/${target.repo}.`,
    );
  const repo = { namespace: target.namespace, repo: target.repo };
  const loaded = await distGitConfig(d.distGit, repo, d.releases);
  if (!loaded?.config) return reply(`${target.namespace}/${target.repo} has no valid packit configuration on rawhide.`);
  const planned = plan(
    loaded.config,
    { kind: 'comment', commentOn: 'pull_request', repository: 'dist-git', comment: commentCommandOf(event.command) },
    d.releases,
  );
  const result = onlyBranches(planned, target.branches);
  if (result.steps.length === 0) return reply(`Nothing to run for ${word} on ${target.branches.join(', ')}.`);
  const heads: Record<string, string> = {};
  for (const branch of target.branches) {
    const sha = await branchHead(d.distGit, repo, branch);
    if (sha) heads[branch] = sha;
  }
  const first = target.branches.find((b) => heads[b]);
  if (!first)
    return reply(`packflow found none of ${target.branches.join(', ')} on ${target.namespace}/${target.repo}.`);
  for (const step of result.steps)
    step.options = { ...step.options, ...commandStepOptions(event.command), branch_heads: heads };
  const ids = await d.repository.recordProjectCommit(project, first, heads[first]);
  const pipelineId = await d.engine.start(result, { ...ids, eventId: event.eventId, trigger: 'commit' });
  logger.info({ pipelineId, branches: Object.keys(heads) }, `${word} on an issue started`);
}
