// Check runs in the fake GitHub: their stored state, GitHub's validation of create and
// update fields (statuses, conclusions, output, at most three buttons with GitHub's length
// limits), and the JSON the REST API answers with.

export interface CheckRunSnapshot {
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  at: string;
}

export interface FakeCheckRun extends CheckRunSnapshot {
  id: number;
  repo: string;
  name: string;
  headSha: string;
  startedAt: string | null;
  completedAt: string | null;
  actions: { label: string; description: string; identifier: string }[];
  /** The state after creation and after each update, oldest first. */
  history: CheckRunSnapshot[];
}

const STATUSES = ['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending'];
const CONCLUSIONS = ['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out'];

/**
 * Applies check-run create/update fields as GitHub validates them and records the
 * resulting state in the history; the invalid field when GitHub would answer 422.
 */
export function applyCheckRun(
  run: FakeCheckRun,
  body: Record<string, unknown>,
): { field: string; code: string } | undefined {
  if (body.status !== undefined && !STATUSES.includes(String(body.status))) return { field: 'status', code: 'invalid' };
  if (body.conclusion !== undefined && !CONCLUSIONS.includes(String(body.conclusion)))
    return { field: 'conclusion', code: 'invalid' };
  if (body.status === 'completed' && body.conclusion === undefined && !run.conclusion)
    return { field: 'conclusion', code: 'missing_field' };
  const output = body.output as { title?: string; summary?: string; text?: string } | undefined;
  if (output && (typeof output.title !== 'string' || typeof output.summary !== 'string'))
    return { field: 'output', code: 'missing_field' };
  const actions = body.actions as { label?: string; description?: string; identifier?: string }[] | undefined;
  if (actions !== undefined) {
    if (!Array.isArray(actions) || actions.length > 3) return { field: 'actions', code: 'invalid' };
    for (const a of actions) {
      if (
        !a.label ||
        a.label.length > 20 ||
        !a.identifier ||
        a.identifier.length > 20 ||
        !a.description ||
        a.description.length > 40
      ) {
        return { field: 'actions', code: 'invalid' };
      }
    }
    run.actions = actions.map((a) => ({ label: a.label!, description: a.description!, identifier: a.identifier! }));
  }
  if (typeof body.name === 'string') run.name = body.name;
  if (body.details_url !== undefined) run.detailsUrl = String(body.details_url);
  if (body.external_id !== undefined) run.externalId = String(body.external_id);
  if (body.started_at !== undefined) run.startedAt = String(body.started_at);
  if (body.conclusion !== undefined) {
    run.conclusion = String(body.conclusion);
    run.status = 'completed';
  }
  if (body.status !== undefined) run.status = String(body.status);
  if (run.status === 'completed')
    run.completedAt =
      body.completed_at !== undefined ? String(body.completed_at) : (run.completedAt ?? new Date().toISOString());
  if (output) {
    run.title = output.title ?? null;
    run.summary = output.summary ?? null;
    run.text = output.text ?? null;
  }
  run.at = new Date().toISOString();
  run.history.push({
    status: run.status,
    conclusion: run.conclusion,
    title: run.title,
    summary: run.summary,
    text: run.text,
    detailsUrl: run.detailsUrl,
    externalId: run.externalId,
    at: run.at,
  });
  return undefined;
}

/** A check run as the REST API answers it. */
export function checkRunBody(c: FakeCheckRun, base: string, web: string, app: { id: number; slug: string }) {
  return {
    id: c.id,
    node_id: Buffer.from(`CheckRun${c.id}`).toString('base64'),
    head_sha: c.headSha,
    external_id: c.externalId ?? '',
    url: `${base}/repos/${c.repo}/check-runs/${c.id}`,
    html_url: `${web}/${c.repo}/runs/${c.id}`,
    details_url: c.detailsUrl,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.startedAt,
    completed_at: c.completedAt,
    output: {
      title: c.title,
      summary: c.summary,
      text: c.text,
      annotations_count: 0,
      annotations_url: `${base}/repos/${c.repo}/check-runs/${c.id}/annotations`,
    },
    name: c.name,
    check_suite: { id: 1 },
    app: { id: app.id, slug: app.slug, name: app.slug },
    pull_requests: [],
  };
}
