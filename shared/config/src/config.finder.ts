// Where a repository keeps its Packit config: one of four names at its root.
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** The names Packit accepts, in the order it looks for them. */
export const CONFIG_FILE_NAMES = ['.packit.yaml', '.packit.yml', 'packit.yaml', 'packit.yml'] as const;

/** The path of the config file at the root of `dir`, or undefined when there is none. */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name);
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // not there: try the next name
    }
  }
  return undefined;
}
