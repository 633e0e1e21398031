// The type of every key of `.packit.yaml`, after Packit's configuration schema (its
// marshmallow schema and the packit.dev configuration pages): what each key holds, and
// the one check that reports a value of the wrong type, however deep it is written.
// Keys that need more than a type (targets, actions, jobs, packages, job, trigger) are
// marked `parsed` and checked where they are read.
import {
  type Reporter,
  describeValue,
  isRecord,
  readBool,
  readInt,
  readText,
  readTextList,
} from './config.reporter.js';
import { suggest } from './key.suggester.js';
import { formatPath, type Path } from './yaml.reader.js';

export type Shape =
  | { kind: 'text'; check?: (v: string) => string | undefined }
  | { kind: 'bool' }
  | { kind: 'int'; min?: number }
  /** `spec_source_id: 1` means Source1. */
  | { kind: 'textOrInt' }
  | { kind: 'list'; of: Shape }
  | { kind: 'enum'; values: readonly string[] }
  /** Free-form: any keys (passed on to Testing Farm, Image Builder, Bodhi…). */
  | { kind: 'mapping' }
  | { kind: 'record'; fields: Record<string, Shape>; required?: readonly string[] }
  /** A name, or a list of names. */
  | { kind: 'textOrTexts' }
  /** A name, or a mapping of its options (`files_to_sync: [a.spec, {src: …, dest: …}]`). */
  | { kind: 'textOrRecord'; record: Shape & { kind: 'record' } }
  | { kind: 'parsed' };

const text: Shape = { kind: 'text' };
const bool: Shape = { kind: 'bool' };
const int: Shape = { kind: 'int' };
const texts: Shape = { kind: 'list', of: text };
const mapping: Shape = { kind: 'mapping' };
const parsed: Shape = { kind: 'parsed' };
const record = (fields: Record<string, Shape>, required?: readonly string[]): Shape & { kind: 'record' } => ({
  kind: 'record',
  fields,
  required,
});

/** Where a key may be written: anywhere (inherited top -> package -> job), or only on a job. */
export type KeyLevel = 'any' | 'job' | 'package' | 'top';

export interface KeySpec {
  shape: Shape;
  level: KeyLevel;
  /** Not a Packit key: packflow's own (documented in shared/config/README.md). */
  packflow?: true;
}

const any = (shape: Shape): KeySpec => ({ shape, level: 'any' });
const job = (shape: Shape): KeySpec => ({ shape, level: 'job' });

/** Keys of Packit's common package config (top level, packages, jobs). */
const COMMON: Record<string, KeySpec> = {
  config_file_path: any(text),
  specfile_path: any(text),
  downstream_package_name: any(text),
  upstream_project_url: any(text),
  upstream_package_name: any({
    kind: 'text',
    check: (v) => (/[/\0]/.test(v) ? 'must be a repository name, without "/"' : undefined),
  }),
  paths: any(texts),
  upstream_ref: any(text),
  upstream_tag_template: any(text),
  upstream_tag_include: any(text),
  upstream_tag_exclude: any(text),
  archive_root_dir_template: any(text),
  dist_git_base_url: any(text),
  dist_git_namespace: any(text),
  allowed_gpg_keys: any(texts),
  spec_source_id: any({ kind: 'textOrInt' }),
  files_to_sync: any({
    kind: 'list',
    of: {
      kind: 'textOrRecord',
      record: record({
        src: { kind: 'textOrTexts' },
        dest: text,
        mkpath: bool,
        delete: bool,
        filters: texts,
      }),
    },
  }),
  actions: any(parsed),
  create_pr: any(bool),
  sync_changelog: any(bool),
  create_sync_note: any(bool),
  patch_generation_ignore_paths: any(texts),
  patch_generation_patch_id_digits: any({ kind: 'int', min: 0 }),
  notifications: any(
    record({
      pull_request: record({ successful_build: bool }),
      failure_comment: record({ message: text }),
      failure_issue: record({ create: bool }),
    }),
  ),
  copy_upstream_release_description: any(bool),
  sources: any({ kind: 'list', of: record({ path: text, url: text }, ['path', 'url']) }),
  merge_pr_in_ci: any(bool),
  srpm_build_deps: any(texts),
  identifier: any(text),
  packit_instances: any({ kind: 'list', of: { kind: 'enum', values: ['prod', 'stg', 'dev'] } }),
  issue_repository: any(text),
  release_suffix: any(text),
  version_suffix: any(text),
  update_release: any(bool),
  preserve_spec: any(bool),
  prerelease_suffix_pattern: any(text),
  prerelease_suffix_macro: any(text),
  upload_sources: any(bool),
  test_command: any(record({ default_labels: texts, default_identifier: text })),
  require: any(record({ label: record({ present: texts, absent: texts }) })),
  status_name_template: any(text),
  sync_test_job_statuses_with_builds: any(bool),
  // Job options, also accepted above the job and inherited (the former `metadata:` keys).
  targets: any(parsed),
  timeout: any(int),
  owner: any(text),
  project: any(text),
  dist_git_branches: any(parsed),
  branch: any(text),
  scratch: any(bool),
  list_on_homepage: any(bool),
  preserve_project: any(bool),
  follow_fedora_branching: any(bool),
  use_internal_tf: any(bool),
  additional_packages: any(texts),
  additional_repos: any(texts),
  bootstrap: any({ kind: 'enum', values: ['default', 'on', 'off', 'image'] }),
  fmf_url: any(text),
  fmf_ref: any(text),
  fmf_path: any(text),
  env: any(mapping),
  enable_net: any(bool),
  allowed_pr_authors: any(texts),
  allowed_committers: any(texts),
  allowed_builders: any(texts),
  tmt_plan: any(text),
  tf_post_install_script: any(text),
  tf_extra_params: any(mapping),
  bodhi_extra_params: any(mapping),
  module_hotfixes: any(bool),
  image_distribution: any(text),
  image_request: any(mapping),
  image_customizations: any(mapping),
  copr_chroot: any(text),
  pkg_tool: any(text),
  sig: any(text),
  version_update_mask: any(text),
  version_update_specifiers: any(text),
  parse_time_macros: any(mapping),
  osh_diff_scan_after_copr_build: any(bool),
  csmock_args: any(text),
  osh_options: any(record({ analyzer: text, config: text, profile: text })),
  use_target_repo_for_fmf_url: any(bool),
  clone_repos_before_run_condition: any(bool),
  skip_missing_branched_composes: any(bool),
};

/** Keys of a job (Packit's job schema); packflow also inherits them from above, as it always has. */
const JOB: Record<string, KeySpec> = {
  job: job(parsed),
  trigger: job(parsed),
  package: job(text),
  metadata: job(parsed),
  skip_build: any(bool),
  manual_trigger: any(bool),
  labels: any(texts),
  sidetag_group: any(text),
  dependents: any(texts),
  dependencies: any(texts),
  build_identifier: { shape: text, level: 'job', packflow: true },
};

/** Structure of the file. */
const STRUCTURE: Record<string, KeySpec> = {
  packages: { shape: parsed, level: 'top' }, // and on a job: see keyAllowed
  jobs: { shape: parsed, level: 'top' },
  /** A place for anchors: Packit ignores it. */
  _: { shape: { kind: 'mapping' }, level: 'top' },
  depends: { shape: parsed, level: 'package', packflow: true },
};

export const KEYS: Readonly<Record<string, KeySpec>> = { ...COMMON, ...JOB, ...STRUCTURE };

/** Whether `key` may be written at this level of the file. */
export function keyAllowed(key: string, level: 'top' | 'package' | 'job'): boolean {
  const spec = Object.prototype.hasOwnProperty.call(KEYS, key) ? KEYS[key] : undefined;
  if (!spec) return false;
  if (spec.level === 'any') return true;
  // `packages:` at the top level defines the packages; on a job it picks some of them.
  if (key === 'packages') return level !== 'package';
  if (level === 'top') return spec.level === 'top' || key === 'depends';
  if (level === 'package') return spec.level === 'package';
  return spec.level === 'job';
}

/** Keys that may be written at this level, for "did you mean". */
export function keysAt(level: 'top' | 'package' | 'job'): string[] {
  return Object.keys(KEYS).filter((k) => k !== '_' && keyAllowed(k, level));
}

/** Reports every value under `value` that does not have the shape `shape`. */
export function checkShape(r: Reporter, path: Path | string, what: string, shape: Shape, value: unknown): void {
  const at = typeof path === 'string' ? path : formatPath(path);
  if (value === null || value === undefined) return;
  switch (shape.kind) {
    case 'parsed':
      return;
    case 'text': {
      const v = readText(r, at, value, what);
      const problem = v !== undefined ? shape.check?.(v) : undefined;
      if (problem) r.error(at, `${what}: ${problem}, got "${v}"`);
      return;
    }
    case 'bool':
      readBool(r, at, value, what);
      return;
    case 'int':
      readInt(r, at, value, what, shape.min);
      return;
    case 'textOrInt':
      if (typeof value !== 'string' && !Number.isInteger(value))
        r.error(at, `${what}: expected a name or a number, got ${describeValue(value)}`);
      return;
    case 'enum':
      readEnum(r, at, value, what, shape.values);
      return;
    case 'mapping':
      if (!isRecord(value)) r.error(at, `${what}: expected a mapping (key: value), got ${describeValue(value)}`);
      return;
    case 'list':
      if (shape.of.kind === 'text') {
        readTextList(r, at, value, what);
        return;
      }
      if (shape.of.kind === 'enum') {
        const values = shape.of.values;
        readTextList(r, at, value, what)?.forEach((v, i) => {
          if (!values.includes(v)) readEnum(r, `${at}[${i}]`, v, what, values);
        });
        return;
      }
      if (!Array.isArray(value)) {
        r.error(at, `${what}: expected a list, got ${describeValue(value)}`);
        return;
      }
      value.forEach((item, i) => checkShape(r, `${at}[${i}]`, `${what}[${i}]`, shape.of, item));
      return;
    case 'textOrTexts':
      readTextList(r, at, value, what, { single: true });
      return;
    case 'textOrRecord':
      if (typeof value === 'string') return;
      if (!isRecord(value)) {
        r.error(at, `${what}: expected a name or a mapping (${fieldList(shape.record)}), got ${describeValue(value)}`);
        return;
      }
      checkRecord(r, at, what, shape.record, value);
      return;
    case 'record':
      if (!isRecord(value)) {
        r.error(at, `${what}: expected a mapping (${fieldList(shape)}), got ${describeValue(value)}`);
        return;
      }
      checkRecord(r, at, what, shape, value);
      return;
  }
}

function checkRecord(
  r: Reporter,
  at: string,
  what: string,
  shape: Shape & { kind: 'record' },
  value: Record<string, unknown>,
): void {
  for (const [k, v] of Object.entries(value)) {
    const field = Object.prototype.hasOwnProperty.call(shape.fields, k) ? shape.fields[k] : undefined;
    const where = `${at}${/^[A-Za-z0-9_][A-Za-z0-9_+-]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`;
    if (!field) {
      const hint = suggest(k, Object.keys(shape.fields));
      r.warning(
        where,
        `unknown key "${k}" in ${what}${hint ? `; did you mean "${hint}"?` : `; it knows ${fieldList(shape)}`}`,
        'key',
      );
      continue;
    }
    checkShape(r, where, `${what}.${k}`, field, v);
  }
  for (const k of shape.required ?? []) {
    if (value[k] === undefined || value[k] === null) r.error(at, `${what}: ${k} is missing`);
  }
}

function fieldList(shape: Shape & { kind: 'record' }): string {
  return Object.keys(shape.fields).join(', ');
}

/** One of `values`; YAML 1.1 reads an unquoted on/off/yes/no as a boolean, which is said. */
export function readEnum(
  r: Reporter,
  at: string,
  value: unknown,
  what: string,
  values: readonly string[],
): string | undefined {
  if (typeof value === 'string' && values.includes(value)) return value;
  const hint =
    typeof value === 'boolean'
      ? ` (an unquoted on, off, yes or no is a boolean in YAML 1.1: quote it, e.g. "${value ? 'on' : 'off'}")`
      : '';
  r.error(at, `${what}: expected one of ${values.join(', ')}, got ${describeValue(value)}${hint}`);
  return undefined;
}
