// Which Koji build target a dist-git branch builds in (its own module: the Koji build,
// the side tags and the Bodhi update all name it, and none of them owns the others).

/** The build target of a dist-git branch: Fedora's are named as their branches, `main` is rawhide. */
export function kojiTargetOf(branch: string): string {
  return branch === 'main' ? 'rawhide' : branch;
}
