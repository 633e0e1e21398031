// The release table: which Fedora, EPEL and CentOS Stream releases are active, so that
// target aliases (`fedora-all`, `epel-all`…) resolve without a new packflow release.
// packflow ships releases/releases.json; an operator can point PACKFLOW_RELEASES_FILE
// at a replacement (see readPlanningConfig).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '@packflow/base';

export type ReleaseStatus = 'stable' | 'branched' | 'rawhide';

export interface Release {
  /** `fedora`, `epel`, `centos-stream`; the chroot is `<distro>-<version>-<arch>`. */
  distro: string;
  /** `41`, `10`, `rawhide`. */
  version: string;
  status: ReleaseStatus;
  /** Its dist-git branch: `f41`, `rawhide`, `epel10`, `c10s`. */
  branch: string;
}

export interface ReleaseTable {
  /** Where it was read from (a file path, or a name given by the caller). */
  source: string;
  /** When its author last brought it up to date (free text, for people). */
  updated?: string;
  /** The architecture of a target written without one (`fedora-all` -> `…-x86_64`). */
  defaultArch: string;
  /** Sorted by distro as first listed, then version (numbers ascending, Rawhide last). */
  releases: readonly Release[];
}

/** The table that ships with packflow. */
export const DEFAULT_RELEASES_FILE = fileURLToPath(new URL('../releases/releases.json', import.meta.url));

const STATUSES: readonly ReleaseStatus[] = ['stable', 'branched', 'rawhide'];

/**
 * Reads the release table from `path` (default: the shipped one). An unreadable or
 * malformed file is the operator's to fix: a ConfigurationError saying what and where.
 */
export function loadReleaseTable(path: string = DEFAULT_RELEASES_FILE): ReleaseTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigurationError(`release table ${path}: cannot read it (${code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`release table ${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseReleaseTable(json, path);
}

/** Checks a release table given as parsed JSON; `source` names it in error messages. */
export function parseReleaseTable(json: unknown, source: string): ReleaseTable {
  const problems: string[] = [];
  if (!isRecord(json)) throw new ConfigurationError(`release table ${source}: expected a JSON object with "releases"`);
  const defaultArch = json.defaultArch ?? 'x86_64';
  if (typeof defaultArch !== 'string' || !/^[a-z0-9_]+$/.test(defaultArch)) {
    problems.push(`defaultArch: expected an architecture such as "x86_64", got ${JSON.stringify(defaultArch)}`);
  }
  if (json.updated !== undefined && typeof json.updated !== 'string') problems.push('updated: expected text');
  const list = json.releases;
  const releases: Release[] = [];
  if (!Array.isArray(list) || list.length === 0) {
    problems.push('releases: expected a non-empty list of {distro, version, status, branch}');
  } else {
    const seen = new Set<string>();
    list.forEach((entry, i) => {
      const at = `releases[${i}]`;
      if (!isRecord(entry)) {
        problems.push(`${at}: expected an object`);
        return;
      }
      const distro = entry.distro;
      const version = typeof entry.version === 'number' ? String(entry.version) : entry.version;
      const status = entry.status;
      if (typeof distro !== 'string' || !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(distro)) {
        problems.push(`${at}.distro: expected a distribution name such as "fedora", got ${JSON.stringify(distro)}`);
        return;
      }
      if (typeof version !== 'string' || !/^[a-z0-9][a-z0-9._]*$/i.test(version)) {
        problems.push(
          `${at}.version: expected a version such as "41" or "rawhide", got ${JSON.stringify(entry.version)}`,
        );
        return;
      }
      if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) {
        problems.push(`${at}.status: expected one of ${STATUSES.join(', ')}, got ${JSON.stringify(status)}`);
        return;
      }
      const branch = entry.branch ?? defaultBranch(distro, version);
      if (typeof branch !== 'string' || branch === '') {
        problems.push(`${at}.branch: expected the dist-git branch name, got ${JSON.stringify(entry.branch)}`);
        return;
      }
      const id = `${distro}-${version}`;
      if (seen.has(id)) problems.push(`${at}: ${id} is listed twice`);
      seen.add(id);
      releases.push({ distro, version, status: status as ReleaseStatus, branch });
    });
    const rawhides = new Map<string, number>();
    for (const r of releases) if (r.status === 'rawhide') rawhides.set(r.distro, (rawhides.get(r.distro) ?? 0) + 1);
    for (const [distro, n] of rawhides)
      if (n > 1) problems.push(`releases: ${distro} has ${n} releases with status rawhide; expected one`);
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`release table ${source} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze({
    source,
    updated: json.updated as string | undefined,
    defaultArch: defaultArch as string,
    releases: Object.freeze(sortReleases(releases)),
  });
}

function sortReleases(releases: Release[]): Release[] {
  const distroOrder = [...new Set(releases.map((r) => r.distro))];
  return [...releases].sort(
    (a, b) => distroOrder.indexOf(a.distro) - distroOrder.indexOf(b.distro) || compareVersions(a, b),
  );
}

function compareVersions(a: Release, b: Release): number {
  if (a.status === 'rawhide' || b.status === 'rawhide')
    return (a.status === 'rawhide' ? 1 : 0) - (b.status === 'rawhide' ? 1 : 0);
  const na = Number(a.version);
  const nb = Number(b.version);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

function defaultBranch(distro: string, version: string): string | undefined {
  if (version === 'rawhide') return 'rawhide';
  if (distro === 'fedora') return `f${version}`;
  if (distro === 'epel') return `epel${version}`;
  if (distro === 'centos-stream') return `c${version}s`;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
