// Parsed configs by their text: a project's `.packit.yaml` rarely changes from one commit
// to the next, so a worker reads the same text again and again. Parsing and checking it
// was ~8% of the upstream worker's CPU per pipeline in the e2e burst (issue 16: ~1.7 ms of
// ~21 ms); a lookup by the text costs a hash of it. The results are frozen, deeply: every
// caller shares them, and one that changed its copy would change everyone's.
import { loadConfig, type LoadOptions } from './config.loader.js';
import type { LoadResult } from './config.types.js';

export class ConfigCache {
  /** Insertion order is recency order: a hit moves its entry to the end, the oldest goes first. */
  private readonly entries = new Map<string, Readonly<LoadResult>>();

  constructor(
    private readonly options: LoadOptions = {},
    /** Entries kept; texts are a few KB, so the default holds about a megabyte at most. */
    private readonly size = 256,
  ) {}

  /** `loadConfig(text, fileName, options)`, parsed once per distinct file name and text. */
  load(text: string, fileName: string): Readonly<LoadResult> {
    // The name is part of the key: diagnostics name the file.
    const key = `${fileName}\n${text}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const loaded = deepFreeze(loadConfig(text, fileName, this.options));
    this.entries.set(key, loaded);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return loaded;
  }
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}
