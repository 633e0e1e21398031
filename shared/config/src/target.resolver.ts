// Resolves the target names of `.packit.yaml` (`fedora-all-aarch64`, `epel-9`, `f41`…)
// against the release table: to Copr chroots for builds and tests, to dist-git branches
// for propose_downstream, koji_build and bodhi_update.
import type { Release, ReleaseTable } from './release-table.loader.js';

/** `chroot`: `fedora-41-x86_64`; `branch`: `f41`. */
export type TargetKind = 'chroot' | 'branch';

export const ARCHES: readonly string[] = [
  'x86_64',
  'aarch64',
  'ppc64le',
  's390x',
  'i386',
  'i686',
  'armhfp',
  'armv7hl',
  'riscv64',
  'ppc64',
  'loongarch64',
  'noarch',
];

type Pick = (releases: Release[]) => Release[];
const last = (rs: Release[]): Release[] => (rs.length > 0 ? [rs[rs.length - 1]] : []);

/** Fedora aliases as Packit defines them (its docs, "Aliases"). */
const FEDORA_ALIASES: Record<string, Pick> = {
  'fedora-all': (rs) => rs,
  'fedora-stable': (rs) => rs.filter((r) => r.status === 'stable'),
  'fedora-development': (rs) => rs.filter((r) => r.status !== 'stable'),
  'fedora-latest': (rs) => last(rs.filter((r) => r.status !== 'rawhide')),
  'fedora-latest-stable': (rs) => last(rs.filter((r) => r.status === 'stable')),
  'fedora-branched': (rs) => rs.filter((r) => r.status !== 'rawhide'),
  'fedora-rawhide': (rs) => rs.filter((r) => r.status === 'rawhide'),
};

export interface ResolvedTarget {
  /** The name as written. */
  name: string;
  /** What it stands for, in release-table order. */
  values: string[];
  /** The alias used (`fedora-all`), or null for a plain name. */
  alias: string | null;
  /** Something the maintainer probably did not mean (an unknown alias, an inactive release). */
  warning?: string;
}

/** The alias names the table supports, for messages. */
export function aliasNames(releases: ReleaseTable): string[] {
  const distros = [...new Set(releases.releases.map((r) => r.distro))];
  return [...Object.keys(FEDORA_ALIASES), ...distros.map((d) => `${d}-all`)];
}

export function resolveTarget(name: string, releases: ReleaseTable, kind: TargetKind = 'chroot'): ResolvedTarget {
  const { base, arch } = splitArch(name, releases.defaultArch);
  const picked = pickAlias(base, releases);
  if (picked) {
    const values = picked.releases.map((r) => (kind === 'chroot' ? `${r.distro}-${r.version}-${arch}` : r.branch));
    const warning =
      values.length === 0 ? `${base} stands for no release in the release table (${releases.source})` : undefined;
    return { name, values, alias: base, warning };
  }
  const release = releases.releases.find((r) => `${r.distro}-${r.version}` === base);
  const warning = release ? undefined : suspicious(base, releases);
  if (kind === 'chroot') return { name, values: [name === base ? `${base}-${arch}` : name], alias: null, warning };
  return { name, values: [release?.branch ?? branchOf(base) ?? name], alias: null, warning };
}

/**
 * Resolves target names (aliases, bare releases, full chroots) to chroots or dist-git
 * branches, in the order written, each once. `fedora-stable-aarch64` -> every stable
 * Fedora on aarch64; `epel-9` -> `epel-9-x86_64` (the table's default architecture).
 */
export function resolveTargets(
  names: readonly string[],
  releases: ReleaseTable,
  kind: TargetKind = 'chroot',
): string[] {
  const out: string[] = [];
  for (const name of names)
    for (const v of resolveTarget(name, releases, kind).values) if (!out.includes(v)) out.push(v);
  return out;
}

function splitArch(name: string, defaultArch: string): { base: string; arch: string } {
  for (const arch of ARCHES) {
    if (name.endsWith(`-${arch}`) && name.length > arch.length + 1)
      return { base: name.slice(0, -arch.length - 1), arch };
  }
  return { base: name, arch: defaultArch };
}

function pickAlias(base: string, table: ReleaseTable): { releases: Release[] } | undefined {
  const fedora = FEDORA_ALIASES[base];
  if (fedora) return { releases: fedora(table.releases.filter((r) => r.distro === 'fedora')) };
  const all = /^(.+)-all$/.exec(base);
  if (all) {
    const rs = table.releases.filter((r) => r.distro === all[1]);
    if (rs.length > 0 || ['epel', 'centos-stream'].includes(all[1])) return { releases: rs };
  }
  return undefined;
}

function branchOf(base: string): string | undefined {
  let m = /^fedora-(\d+)$/.exec(base);
  if (m) return `f${m[1]}`;
  m = /^epel-(\d+(?:\.\d+)?)$/.exec(base);
  if (m) return `epel${m[1]}`;
  m = /^centos-stream-(\d+)$/.exec(base);
  if (m) return `c${m[1]}s`;
  return undefined;
}

function suspicious(base: string, table: ReleaseTable): string | undefined {
  for (const distro of ['fedora', 'epel', 'centos-stream']) {
    const m = new RegExp(`^${distro}-(.+)$`).exec(base);
    if (!m) continue;
    const rest = m[1];
    if (distro === 'fedora' && ['eln', 'rawhide'].includes(rest)) return undefined;
    if (/^\d+(\.\d+)?$/.test(rest)) {
      const known = table.releases.some((r) => r.distro === distro);
      return known
        ? `${base} is not an active release in the release table; Copr, Koji and Testing Farm may no longer offer it`
        : undefined;
    }
    return `${base} is neither a ${distro} release nor a known alias (${aliasNames(table).join(', ')})`;
  }
  return undefined;
}
