// The kinds of items a pipeline step can run (an SRPM build, a Copr build's chroots, a
// test run's targets…) and where each keeps its rows. Ecosystems (upstream, stream…)
// describe their kinds; a process composes the kinds of the ecosystems it runs into one
// `ItemKinds` and hands it to the engine and to the repositories that read targets. Core
// itself knows no ecosystem's tables.
import type { EntitySchema } from '@mikro-orm/core';
import { ConfigurationError } from '@packflow/base';

/** The name of a kind (`copr_build`); unique across the ecosystems of a process. */
export type ItemKind = string;

/** What a new group row is made from: its step's options and the groups it follows, by kind. */
export interface GroupInput {
  job: string;
  options: Record<string, unknown>;
  /** The groups of the predecessor steps, by kind (`{ srpm_build: '12' }`). */
  predecessors: Readonly<Record<ItemKind, string>>;
}

export interface ItemKindDefinition {
  kind: ItemKind;
  /** The jobs whose steps run items of this kind; `'*'`: every job no other kind names. */
  jobs: readonly string[] | '*';
  /** How a failure message names one of these (`SRPM build`, `build`); default: the job's name. */
  label?: string;
  /** Group table (null: the item is its own group, e.g. an SRPM build). */
  groupTable: string | null;
  /** Column of the target table pointing at its group. */
  groupColumn: string | null;
  targetTable: string;
  /** step -> group link table (step_id, <group fk>); for group-less kinds, step -> item. */
  groupLinkTable: string;
  groupLinkColumn: string;
  /** step -> target link table (step_id, <target fk>); null when the group link is the target link. */
  targetLinkTable: string | null;
  targetLinkColumn: string | null;
  /** The column values of a new group row (only its own columns; the id is generated). */
  groupValues?(input: GroupInput): Record<string, unknown>;
  /** Column of the target table holding the SHA-256 of a result notification token, if any. */
  notificationTokenColumn?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEntitySchema = EntitySchema<any>;

/**
 * What an ecosystem brings to a process: its migration base (the Postgres schema of its
 * tables), its entities and its item kinds. Activities are made from deployment config
 * and are handed to the engine separately.
 */
export interface EcosystemDefinition {
  name: string;
  /** The migration base that owns its tables (migrations/<base>). */
  base: string;
  entities: readonly AnyEntitySchema[];
  kinds: readonly ItemKindDefinition[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/** The item kinds of a process, by kind and by job. */
export class ItemKinds {
  private readonly byKind = new Map<ItemKind, ItemKindDefinition>();
  private readonly byJob = new Map<string, ItemKindDefinition>();
  private readonly fallback?: ItemKindDefinition;

  constructor(definitions: readonly ItemKindDefinition[]) {
    for (const def of definitions) {
      if (this.byKind.has(def.kind)) throw new ConfigurationError(`item kind ${def.kind} is defined twice`);
      for (const name of [def.targetTable, def.groupTable, def.groupLinkTable, def.targetLinkTable]) {
        if (name !== null && !IDENTIFIER.test(name))
          throw new ConfigurationError(`item kind ${def.kind}: ${name} is not a table name`);
      }
      this.byKind.set(def.kind, def);
      if (def.jobs === '*') {
        if (this.fallback)
          throw new ConfigurationError(`item kinds ${this.fallback.kind} and ${def.kind} both take every job`);
        this.fallback = def;
        continue;
      }
      for (const job of def.jobs) {
        const other = this.byJob.get(job);
        if (other) throw new ConfigurationError(`job ${job} is run by item kinds ${other.kind} and ${def.kind}`);
        this.byJob.set(job, def);
      }
    }
  }

  all(): ItemKindDefinition[] {
    return [...this.byKind.values()];
  }

  get(kind: ItemKind): ItemKindDefinition {
    const def = this.byKind.get(kind);
    if (!def) throw new ConfigurationError(`no ecosystem of this process has items of kind ${kind}`);
    return def;
  }

  /** Which kind of item a job's step runs. */
  ofJob(job: string): ItemKindDefinition {
    const def = this.byJob.get(job) ?? this.fallback;
    if (!def) throw new ConfigurationError(`no ecosystem of this process runs ${job} jobs`);
    return def;
  }

  /** Where the step -> target links of a kind live (group-less kinds link the item itself). */
  targetLink(kind: ItemKind): { table: string; column: string } {
    const k = this.get(kind);
    return { table: k.targetLinkTable ?? k.groupLinkTable, column: k.targetLinkColumn ?? k.groupLinkColumn };
  }
}
