// Job types, triggers, deprecated keys and actions, and the check of each key as written
// (its type is in config.schema.ts). Anything unknown is kept as an opaque option and
// reported as a warning with the closest known key (a typo like `trigerr` should not pass
// silently, and a key newer than packflow should not break a config).
import { type Reporter, describeValue, isRecord, readTextList } from './config.reporter.js';
import { KEYS, checkShape, keyAllowed, keysAt } from './config.schema.js';
import { suggest } from './key.suggester.js';
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
  koji_build_tag: 'packflow does not run koji_build_tag jobs (tagging Koji builds into a sidetag)',
};

export const TRIGGERS = ['pull_request', 'commit', 'release', 'koji_build', 'ignore'] as const;

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
  'run-condition',
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
  return keyAllowed(key, level) || key in DEPRECATED_KEYS;
}

const LEVEL_WORDS = { top: 'at the top level', package: 'in a package', job: 'in a job' } as const;

/**
 * A key as written at one level: deprecated keys and unknown keys are warnings (packflow
 * keeps unknown keys as options; Packit's schema refuses them), with the closest known key
 * for a typo; a known key's value is checked against its type.
 */
export function checkKey(
  r: Reporter,
  path: Path,
  key: string,
  level: 'top' | 'package' | 'job',
  value?: unknown,
): void {
  if (key in DEPRECATED_KEYS) {
    r.warning(path, `${key} is deprecated: ${DEPRECATED_KEYS[key]}`, 'key');
    return;
  }
  if (!isKnownKey(key, level)) {
    const elsewhere = (['job', 'package', 'top'] as const).find((l) => l !== level && keyAllowed(key, l));
    const hint = elsewhere
      ? `; it belongs ${LEVEL_WORDS[elsewhere]}`
      : (() => {
          const close = suggest(key, keysAt(level));
          return close ? `; did you mean "${close}"?` : '';
        })();
    r.warning(path, `unknown key "${key}"${hint} (packflow keeps it as an option but does not act on it)`, 'key');
    return;
  }
  if (value !== undefined) checkShape(r, path, key, KEYS[key].shape, value);
}

/** Unknown action names are warnings: Packit would refuse them, but a newer action should not break packflow. */
export function checkActions(r: Reporter, at: string, actions: unknown): void {
  if (actions === null || actions === undefined) return;
  if (!isRecord(actions)) {
    r.error(at, `actions: expected a mapping of action name -> command(s), got ${describeValue(actions)}`);
    return;
  }
  for (const [name, commands] of Object.entries(actions)) {
    if (!ACTIONS.has(name)) {
      const close = suggest(name, [...ACTIONS]);
      r.warning(
        `${at}.${name}`,
        `unknown action "${name}"; ${close ? `did you mean "${close}"?` : `Packit knows ${[...ACTIONS].join(', ')}`}`,
        'key',
      );
    }
    // A command, or a list of commands.
    readTextList(r, `${at}.${name}`, commands, `actions.${name}`, { single: true, noun: 'command' });
  }
}
