// Changed-paths filtering (packit-service #2006): a package runs only when a changed file
// lies under one of its `paths`. `.` (the default) is the whole repository.

/** `./python/` -> `python`; `.`, `./` and `/` -> `` (the whole repository). */
export function normalizePath(path: string): string {
  let p = path.trim().replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  p = p.replace(/^\/+/, '').replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

/** Whether any changed file is one of `paths` or under one of them (globs `*`, `**`, `?` allowed). */
export function pathsMatch(paths: readonly string[], changedFiles: readonly string[]): boolean {
  const roots = paths.map(normalizePath);
  if (roots.includes('')) return true;
  const files = changedFiles.map(normalizePath);
  return roots.some((root) => {
    const glob = /[*?[]/.test(root) ? globRegExp(root) : undefined;
    return files.some((file) => {
      if (glob) return ancestors(file).some((a) => glob.test(a));
      return file === root || file.startsWith(`${root}/`);
    });
  });
}

/** `a/b/c.txt` -> `a`, `a/b`, `a/b/c.txt`. */
function ancestors(file: string): string[] {
  const parts = file.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

function globRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
