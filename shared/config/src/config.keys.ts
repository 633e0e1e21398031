// The keys Packit knows. Anything else is kept as an opaque option and reported as a
// warning (a typo like `trigerr` should not pass silently, and a key newer than this
// list should not break a config).
import { type Reporter, describeValue, isRecord } from './config.reporter.js';
import type { Path } from './yaml.reader.js';

/** Jobs of `.packit.yaml`, with the names Packit still accepts for them. */
export const JOB_TYPES = [
  'copr_build',
  'tests',
  'upstream_koji_build',
  'koji_build',
  'bodhi_update',
  'propose_downstream',
  'pull_from_upstream',
  'vm_image_build',
] as const;

/** Other names for a job type; `build` is documented, `production_build` is the old name. */
export const JOB_ALIASES: Record<string, { type: (typeof JOB_TYPES)[number]; deprecated: boolean }> = {
  build: { type: 'copr_build', deprecated: false },
  production_build: { type: 'upstream_koji_build', deprecated: true },
};

/** Jobs Packit once had and has dropped: reported and left out, not an error. */
export const RETIRED_JOBS: Record<string, string> = {
  sync_from_downstream: 'Packit no longer runs sync_from_downstream',
  add_to_whitelist: 'Packit no longer runs add_to_whitelist',
};

export const TRIGGERS = ['pull_request', 'commit', 'release', 'koji_build', 'ignore'] as const;

/** Structural keys of the file. */
export const TOP_LEVEL_ONLY = new Set(['packages', 'jobs', '_']);
export const PACKAGE_ONLY = new Set(['paths', 'depends']);
export const JOB_ONLY = new Set([
  'job',
  'trigger',
  'packages',
  'package',
  'metadata',
  'skip_build',
  'manual_trigger',
  'labels',
  'build_identifier',
]);

/** Keys allowed at every level (top, package, job): Packit's common package/job config. */
export const COMMON_KEYS = new Set([
  // package
  'config_file_path',
  'specfile_path',
  'downstream_package_name',
  'upstream_package_name',
  'upstream_project_url',
  'upstream_ref',
  'upstream_tag_template',
  'upstream_tag_include',
  'upstream_tag_exclude',
  'archive_root_dir_template',
  'dist_git_base_url',
  'dist_git_namespace',
  'allowed_gpg_keys',
  'spec_source_id',
  'files_to_sync',
  'actions',
  'create_pr',
  'sync_changelog',
  'create_sync_note',
  'patch_generation_ignore_paths',
  'patch_generation_patch_id_digits',
  'notifications',
  'copy_upstream_release_description',
  'sources',
  'merge_pr_in_ci',
  'srpm_build_deps',
  'identifier',
  'packit_instances',
  'issue_repository',
  'release_suffix',
  'update_release',
  'upload_sources',
  'prerelease_suffix_pattern',
  'prerelease_suffix_macro',
  'version_update_mask',
  'parse_time_macros',
  'require',
  'status_name_template',
  'sync_test_job_statuses_with_builds',
  'test_command',
  'pkg_tool',
  'paths',
  'allowed_pr_authors',
  'allowed_committers',
  'osh_diff_scan_after_copr_build',
  'osh_options',
  'csmock_args',
  'enable_fedora_ci',
  'fedora_ci_cycle',
  // job options (Packit lets them be set on any level and inherited)
  'targets',
  'timeout',
  'owner',
  'project',
  'dist_git_branches',
  'branch',
  'scratch',
  'list_on_homepage',
  'preserve_project',
  'follow_fedora_branching',
  'use_internal_tf',
  'use_target_repo_for_fmf_url',
  'additional_packages',
  'additional_repos',
  'bootstrap',
  'fmf_url',
  'fmf_ref',
  'fmf_path',
  'env',
  'enable_net',
  'tmt_plan',
  'tf_post_install_script',
  'tf_extra_params',
  'module_hotfixes',
  'image_distribution',
  'image_request',
  'image_customizations',
  'copr_chroot',
  'sidetag_group',
  'dependents',
  'dependencies',
  'allowed_builders',
  'koji_build_tag',
  'bodhi_extra_params',
  'skip_build',
  'manual_trigger',
  'labels',
]);

/** Keys Packit renamed or dropped; reported as warnings with what to use now. */
export const DEPRECATED_KEYS: Record<string, string> = {
  upstream_project_name: 'it is now upstream_package_name',
  synced_files: 'it is now files_to_sync',
  dist_git_url: 'Packit builds it from dist_git_base_url and downstream_package_name',
  create_tarball_command: 'use the create-archive action',
  current_version_command: 'use the get-current-version action',
  dist_git_branch: 'it is now dist_git_branches',
  'dist-git-branch': 'it is now dist_git_branches',
  metadata: 'its keys now go directly on the job',
};

/** Actions Packit runs (`actions:` keys). */
export const ACTIONS = new Set([
  'post-upstream-clone',
  'pre-sync',
  'create-patches',
  'prepare-files',
  'create-archive',
  'get-current-version',
  'fix-spec-file',
  'changelog-entry',
  'commit-message',
  'post-modifications',
]);

export function isKnownKey(key: string, level: 'top' | 'package' | 'job'): boolean {
  if (COMMON_KEYS.has(key) || key in DEPRECATED_KEYS) return true;
  if (level === 'top') return TOP_LEVEL_ONLY.has(key) || PACKAGE_ONLY.has(key);
  if (level === 'package') return PACKAGE_ONLY.has(key);
  return JOB_ONLY.has(key);
}

export function checkKey(r: Reporter, path: Path, key: string, level: 'top' | 'package' | 'job'): void {
  if (key in DEPRECATED_KEYS) {
    r.warning(path, `${key} is deprecated: ${DEPRECATED_KEYS[key]}`, 'key');
  } else if (!isKnownKey(key, level)) {
    r.warning(path, `unknown key "${key}"; packflow keeps it as an option but does not act on it`, 'key');
  }
}

/** Unknown action names are warnings: Packit would refuse them, but a newer action should not break packflow. */
export function checkActions(r: Reporter, at: string, actions: unknown): void {
  if (actions === null || actions === undefined) return;
  if (!isRecord(actions)) {
    r.error(at, `actions: expected a mapping of action name -> command(s), got ${describeValue(actions)}`);
    return;
  }
  for (const name of Object.keys(actions)) {
    if (!ACTIONS.has(name)) {
      r.warning(`${at}.${name}`, `unknown action "${name}"; Packit knows ${[...ACTIONS].join(', ')}`, 'key');
    }
  }
}
