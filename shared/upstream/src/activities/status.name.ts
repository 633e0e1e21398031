// The names of the checks packflow reports (GitHub check runs, GitLab commit statuses,
// Pagure flags), made here only, as packit-service makes them (get_check_cls):
// `<job>[:<event>][:<chroot>][:<identifier>]`. The event is the branch of a push or the
// tag of a release (with `:` as `-`) for the jobs Packit's build helpers report (SRPM and
// Copr builds, tests, upstream Koji builds), so one commit built for two branches or
// releases has a check for each; propose-downstream names only its dist-git branch. A job
// of one package of several has its package as identifier when it has none (Packit's job
// view), so a monorepo reads `rpm-build:main:fedora-41-x86_64:<package>`.
// `status_name_template` is a Python format string as in Packit (`{job_name}`, `{chroot}`,
// `{event}`, `{identifier}`, `{package}`; an unset one reads `None`, an unknown one falls
// back to the default name).

const PREFIX: Record<string, string> = {
  srpm_build: 'srpm-build',
  copr_build: 'rpm-build',
  tests: 'testing-farm',
  koji_build: 'koji-build',
  upstream_koji_build: 'koji-build',
};

/** Jobs whose check names carry the branch of a push or the tag of a release. */
const EVENT_NAMED = new Set(['srpm_build', 'copr_build', 'tests', 'upstream_koji_build']);

export interface CheckNameInput {
  job: string;
  /** The chroot, test target or dist-git branch (`srpm-builds` for the SRPM build). */
  target: string;
  identifier: string | null;
  package: string | null;
  /** The pipeline's ref: a `branch` (push) or `release` names the check. */
  ref: { kind: string; name: string };
  template?: unknown;
}

export function statusName(input: CheckNameInput): string {
  const jobName = PREFIX[input.job] ?? input.job.replace(/_/g, '-');
  const named = EVENT_NAMED.has(input.job) && (input.ref.kind === 'branch' || input.ref.kind === 'release');
  const event = named ? input.ref.name.replace(/:/g, '-') : null;
  const chroot = input.job === 'srpm_build' ? null : input.target;
  if (typeof input.template === 'string' && input.template.trim()) {
    const formatted = pythonFormat(input.template, {
      job_name: jobName,
      chroot,
      event,
      identifier: input.identifier,
      package: input.package,
    });
    if (formatted !== undefined) return formatted;
  }
  return [jobName, event, chroot, input.identifier].filter(Boolean).join(':');
}

/** `str.format` with named fields (`{{`/`}}` are braces); undefined when a field is unknown or the template is malformed. */
function pythonFormat(template: string, values: Record<string, string | null>): string | undefined {
  let failed = false;
  const out = template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    if (field === undefined || !(field in values)) {
      failed = true;
      return whole;
    }
    return values[field] ?? 'None';
  });
  return failed ? undefined : out;
}
