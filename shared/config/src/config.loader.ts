// Reads a `.packit.yaml` into packages and jobs, as Packit does: package-level keys at
// the top level or under `packages:` (monorepo), top-level keys inherited by every
// package, package keys by its jobs, job keys winning. Never throws on bad input: every
// problem becomes a located diagnostic.
import type { JobConfig, LoadResult, PackageConfig, PackitConfig } from './config.types.js';
import { checkActions, checkKey } from './config.keys.js';
import { Reporter, describeValue, isRecord, readText, readTextList } from './config.reporter.js';
import { checkConfig } from './config.checker.js';
import { parseJob } from './job.parser.js';
import type { ReleaseTable } from './release-table.loader.js';
import { formatPath, readYaml } from './yaml.reader.js';

export interface LoadOptions {
  /**
   * The release table, to check that every tests target is built (aliases such as
   * `fedora-latest` must be resolved for that). Without it that check is left to `plan`.
   */
  releases?: ReleaseTable;
}

/** Packit's jobs for a file without a `jobs` key. */
const DEFAULT_JOBS = [
  { job: 'copr_build', trigger: 'pull_request', targets: ['fedora-stable'] },
  { job: 'tests', trigger: 'pull_request', targets: ['fedora-stable'] },
  { job: 'propose_downstream', trigger: 'release', dist_git_branches: ['fedora-all'] },
];

/**
 * Parses and checks a config file's text. `fileName` is only used in diagnostics.
 * `config` is absent when there is at least one error.
 */
export function loadConfig(text: string, fileName: string, options: LoadOptions = {}): LoadResult {
  const yaml = readYaml(text);
  const r = new Reporter(fileName, yaml);
  for (const p of yaml.problems) {
    r.diagnostics.push({
      severity: p.severity,
      message: p.message,
      file: fileName,
      line: p.position.line,
      column: p.position.column,
      path: p.path,
    });
  }
  if (yaml.value === undefined) return { diagnostics: r.diagnostics };

  let root = yaml.value;
  if (root === null) {
    r.warning(
      '',
      "the file is empty, so Packit's default jobs apply (Copr build and tests on pull requests, propose_downstream on releases)",
    );
    root = {};
  }
  if (!isRecord(root)) {
    r.error('', `expected a mapping of keys (specfile_path, jobs, …) at the top level, got ${describeValue(root)}`);
    return { diagnostics: r.diagnostics };
  }

  const top: Record<string, unknown> = {};
  const topOrigins: Record<string, string> = {};
  for (const [key, value] of Object.entries(root)) {
    checkKey(r, [key], key, 'top', value);
    if (key === 'packages' || key === 'jobs' || key === '_') continue;
    setOwn(top, key, value);
    topOrigins[key] = formatPath([key]);
  }
  renameDeprecated(top, topOrigins);
  if (top.actions !== undefined) checkActions(r, 'actions', top.actions);

  const monorepo = 'packages' in root && root.packages !== null;
  if ('depends' in top) {
    r.warning(
      'depends',
      monorepo
        ? 'depends belongs under a package (packages.<name>.depends); here it has no effect'
        : 'depends only means something under packages: in a monorepo',
      'key',
    );
  }
  const packageOrigins = new Map<string | null, Record<string, string>>();
  const packages = monorepo
    ? readPackages(r, root.packages, top, topOrigins, packageOrigins)
    : [singlePackage(r, top, topOrigins, packageOrigins)];
  if (packages.length === 0) return { diagnostics: r.diagnostics };

  const defaultJobs = !('jobs' in root);
  let jobsRaw: unknown = defaultJobs ? DEFAULT_JOBS : root.jobs;
  if (jobsRaw === null) jobsRaw = [];
  const jobs: JobConfig[] = [];
  if (!Array.isArray(jobsRaw)) {
    r.error('jobs', `jobs: expected a list of jobs, got ${describeValue(jobsRaw)}`);
  } else {
    const ctx = { reporter: r, packages, monorepo, packageOrigins };
    jobsRaw.forEach((raw, index) => {
      for (const job of parseJob(raw, index, ctx)) jobs.push({ ...job, seq: jobs.length });
    });
  }

  const config: PackitConfig = { file: fileName, monorepo, packages, jobs, defaultJobs };
  // Also when some values are wrong: every error of the file in one run, not one round at a time.
  checkConfig(config, r, options.releases);
  const diagnostics = [...r.diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
  return r.failed ? { diagnostics } : { config, diagnostics };
}

function readPackages(
  r: Reporter,
  raw: unknown,
  top: Record<string, unknown>,
  topOrigins: Record<string, string>,
  packageOrigins: Map<string | null, Record<string, string>>,
): PackageConfig[] {
  if (!isRecord(raw)) {
    r.error('packages', `packages: expected a mapping of package name -> its keys, got ${describeValue(raw)}`);
    return [];
  }
  if (Object.keys(raw).length === 0) {
    r.error('packages', 'packages: is empty; list each package of the repository with its keys');
    return [];
  }
  const out: PackageConfig[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const path = ['packages', name];
    if (value !== null && !isRecord(value)) {
      r.error(
        path,
        `package ${name}: expected a mapping of its keys (specfile_path, paths, …), got ${describeValue(value)}`,
      );
      continue;
    }
    const options: Record<string, unknown> = { ...top };
    const origins: Record<string, string> = { ...topOrigins };
    for (const [key, v] of Object.entries(value ?? {})) {
      checkKey(r, [...path, key], key, 'package', v);
      if (key === 'jobs' || key === 'packages') {
        r.warning([...path, key], `${key} under a package has no effect; jobs go in the top-level jobs list`, 'key');
        continue;
      }
      setOwn(options, key, v);
      origins[key] = formatPath([...path, key]);
    }
    renameDeprecated(options, origins);
    if (isRecord(value) && value.actions !== undefined)
      checkActions(r, formatPath([...path, 'actions']), value.actions);
    packageOrigins.set(name, origins);
    out.push({
      name,
      path: formatPath(path),
      paths: readPaths(r, origins.paths, options.paths),
      depends:
        readTextList(r, origins.depends || formatPath([...path, 'depends']), options.depends, 'depends', {
          single: true,
        }) ?? [],
      options: withoutKeys(options, ['depends']),
    });
  }
  return out;
}

function singlePackage(
  r: Reporter,
  top: Record<string, unknown>,
  origins: Record<string, string>,
  packageOrigins: Map<string | null, Record<string, string>>,
): PackageConfig {
  const name =
    readText(r, 'downstream_package_name', top.downstream_package_name, 'downstream_package_name') ??
    readText(r, 'upstream_package_name', top.upstream_package_name, 'upstream_package_name') ??
    null;
  packageOrigins.set(name, origins);
  return {
    name,
    path: '',
    paths: readPaths(r, origins.paths, top.paths),
    depends: [],
    options: withoutKeys(top, ['depends']),
  };
}

function readPaths(r: Reporter, at: string | undefined, v: unknown): string[] {
  const paths = readTextList(r, at ?? 'paths', v, 'paths');
  return paths && paths.length > 0 ? paths : ['.'];
}

function renameDeprecated(options: Record<string, unknown>, origins: Record<string, string>): void {
  const pairs: Array<[string, string]> = [
    ['upstream_project_name', 'upstream_package_name'],
    ['synced_files', 'files_to_sync'],
  ];
  for (const [old, now] of pairs) {
    if (old in options && !(now in options)) {
      setOwn(options, now, options[old]);
      origins[now] = origins[old];
    }
  }
}

function withoutKeys(options: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (!keys.includes(k)) setOwn(out, k, v);
  return out;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}
