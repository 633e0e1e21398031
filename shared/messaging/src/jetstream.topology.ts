// Streams and durable consumers, created or brought in line with their spec at start.
// Every operation is idempotent: several replicas starting at once converge on one
// stream and one durable consumer.
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  JetStreamApiCodes,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { ConfigurationError } from '@packflow/core';
import { streamSubjects } from '@packflow/events';

/** The one stream of packflow messages: events (`upstream.…`, `stream.…`) and results (`results.…`). */
export const PACKFLOW_EVENTS_STREAM = 'PACKFLOW_EVENTS';

/** The events stream's name on an instance (`dev-a_PACKFLOW_EVENTS`); PACKFLOW_EVENTS without one. */
export function eventsStreamName(instance?: string): string {
  return instance ? `${instance}_${PACKFLOW_EVENTS_STREAM}` : PACKFLOW_EVENTS_STREAM;
}

/** A durable consumer's name on an instance (`dev-a-upstream-worker`); the name itself without one. */
export function instanceDurable(durable: string, instance?: string): string {
  return instance ? `${instance}-${durable}` : durable;
}

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
  /** How long messages are kept (default 7 days); a durable created later still gets them. */
  maxAgeMs?: number;
  /** Window in which a repeated Nats-Msg-Id is dropped as a duplicate (default 10 minutes). */
  duplicateWindowMs?: number;
}

export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600_000;
export const DEFAULT_DUPLICATE_WINDOW_MS = 10 * 60_000;

/** The events stream of an instance (none: the default names), with its subjects. */
export function packflowEventsStream(instance?: string, overrides: Partial<StreamSpec> = {}): StreamSpec {
  return { name: eventsStreamName(instance), subjects: streamSubjects(instance), ...overrides };
}

const apiCode = (error: unknown): number | undefined => (error instanceof JetStreamApiError ? error.code : undefined);
const sameSet = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/** Creates the stream, or updates its subjects and limits when they differ from the spec. */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const wanted = {
    subjects: [...spec.subjects],
    max_age: nanos(spec.maxAgeMs ?? DEFAULT_MAX_AGE_MS),
    duplicate_window: nanos(spec.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
  } satisfies Partial<StreamConfig>;
  for (let attempt = 0; attempt < 2; attempt++) {
    let current: StreamConfig | undefined;
    try {
      current = (await jsm.streams.info(spec.name)).config;
    } catch (error) {
      if (apiCode(error) !== JetStreamApiCodes.StreamNotFound) throw error;
    }
    try {
      if (!current) {
        await jsm.streams.add({
          name: spec.name,
          retention: RetentionPolicy.Limits,
          storage: StorageType.File,
          ...wanted,
        });
      } else if (
        !sameSet(current.subjects, wanted.subjects) ||
        current.max_age !== wanted.max_age ||
        current.duplicate_window !== wanted.duplicate_window
      ) {
        await jsm.streams.update(spec.name, { ...current, ...wanted });
      }
      return;
    } catch (error) {
      // Another replica created it between our info and add: look again and update.
      if (!current && attempt === 0 && /already in use/i.test((error as Error).message)) continue;
      if (!(error instanceof JetStreamApiError)) throw error;
      throw new ConfigurationError(`JetStream stream ${spec.name} (${spec.subjects.join(', ')}): ${error.message}`);
    }
  }
}

export interface DurableConsumerSpec {
  stream: string;
  durable: string;
  /** Subjects it receives; empty or absent: every subject of the stream. */
  filterSubjects?: readonly string[];
  ackWaitMs: number;
  /** Unacknowledged messages across all replicas before JetStream stops delivering. */
  maxAckPending?: number;
  /** Where a new durable starts: every message kept in the stream, or only new ones. */
  deliverPolicy?: 'all' | 'new';
}

function filterConfig(subjects: readonly string[] = []): Partial<ConsumerConfig> {
  // One subject goes in `filter_subject`, which every server version understands;
  // several need `filter_subjects` (nats-server 2.10 or newer). No filter is no field:
  // nats.js puts a `filter_subject` into the create request's subject, and an empty one
  // there leaves the request without responders.
  if (subjects.length === 0) return {};
  if (subjects.length === 1) return { filter_subject: subjects[0] };
  return { filter_subjects: [...subjects] };
}

function filtersOf(config: Partial<ConsumerConfig>): string[] {
  if (config.filter_subjects?.length) return config.filter_subjects;
  return config.filter_subject ? [config.filter_subject] : [];
}

/**
 * Creates the durable pull consumer, or updates filter, ack wait and limits. The
 * consumer has no `max_deliver` of its own: the transport counts deliveries and moves a
 * message to the dead letters itself, so the server never drops one silently.
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, spec: DurableConsumerSpec): Promise<ConsumerInfo> {
  const wanted: Partial<ConsumerConfig> = {
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: -1,
    ...(spec.maxAckPending ? { max_ack_pending: spec.maxAckPending } : {}),
    ...filterConfig(spec.filterSubjects),
  };
  const describe = `JetStream consumer ${spec.durable} on ${spec.stream}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    let current: ConsumerInfo | undefined;
    try {
      current = await jsm.consumers.info(spec.stream, spec.durable);
    } catch (error) {
      const code = apiCode(error);
      if (code === JetStreamApiCodes.StreamNotFound)
        throw new ConfigurationError(`${describe}: stream ${spec.stream} does not exist`);
      if (code !== JetStreamApiCodes.ConsumerNotFound) throw error;
    }
    try {
      if (!current) {
        return await jsm.consumers.add(spec.stream, {
          ...wanted,
          durable_name: spec.durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: spec.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
        });
      }
      const c = current.config;
      const same =
        sameSet(filtersOf(c), filtersOf(wanted)) &&
        c.ack_wait === wanted.ack_wait &&
        (c.max_deliver ?? -1) === -1 &&
        (!wanted.max_ack_pending || c.max_ack_pending === wanted.max_ack_pending);
      if (same) return current;
      return await jsm.consumers.update(spec.stream, spec.durable, wanted);
    } catch (error) {
      if (!current && attempt === 0 && /already (exists|in use)/i.test((error as Error).message)) continue;
      if (!(error instanceof JetStreamApiError)) throw error;
      throw new ConfigurationError(`${describe}: ${error.message}`);
    }
  }
  throw new ConfigurationError(`${describe}: could not be created`);
}
