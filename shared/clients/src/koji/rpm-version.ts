// RPM's version order (rpmvercmp and the epoch:version-release comparison), which Koji's
// `latest` and Packit's "is this build newer than the stable one" both follow: segments of
// digits compare as numbers and beat letters, `~` sorts before anything (pre-releases),
// `^` after the base version but before anything else longer (snapshots), and other
// separators only split segments.

const isDigit = (c: string) => c >= '0' && c <= '9';
const isAlpha = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isSeparator = (c: string) => !isDigit(c) && !isAlpha(c) && c !== '~' && c !== '^';

/** rpmvercmp: <0, 0 or >0 as version (or release) `a` sorts before, with or after `b`. */
export function rpmVersionCompare(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && isSeparator(a[i])) i++;
    while (j < b.length && isSeparator(b[j])) j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const numeric = isDigit(a[i]);
    const inSegment = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(a[i])) i++;
    while (j < b.length && inSegment(b[j])) j++;
    let one = a.slice(startA, i);
    let two = b.slice(startB, j);
    if (two.length === 0) return numeric ? 1 : -1;
    if (numeric) {
      one = one.replace(/^0+/, '');
      two = two.replace(/^0+/, '');
      if (one.length !== two.length) return one.length > two.length ? 1 : -1;
    }
    if (one !== two) return one > two ? 1 : -1;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface Evr {
  epoch: number | null;
  version: string;
  release: string;
}

/** Two builds of one package in RPM's order: epoch (none is 0), then version, then release. */
export function evrCompare(a: Evr, b: Evr): number {
  const epoch = (a.epoch ?? 0) - (b.epoch ?? 0);
  if (epoch !== 0) return Math.sign(epoch);
  return rpmVersionCompare(a.version, b.version) || rpmVersionCompare(a.release, b.release);
}
