// Environment settings of the JetStream transport and the outbox relay, read once at
// start by the services (through EnvReader, which collects every problem).
import { ConfigurationError, type EnvReader } from '@packflow/core';
import { instanceSubject, streamSubjects } from '@packflow/events';
import type { JetStreamConsumerOptions } from './jetstream.consumer.js';
import { eventsStreamName, instanceDurable, type StreamSpec } from './jetstream.topology.js';

export interface WorkerTransportConfig {
  /** PACKFLOW_INSTANCE: the stream, the durable and the subjects below carry it. */
  instance?: string;
  /** The events stream (`JETSTREAM_STREAM`, `JETSTREAM_STREAM_SUBJECTS`). */
  stream: StreamSpec;
  /** `WORKER_DURABLE`: the durable consumer of this deployment (`<instance>-` before it). */
  durable: string;
  /** `WORKER_SUBJECTS`: comma-separated subjects this deployment receives, written without the instance. */
  filterSubjects: string[];
  /** `WORKER_MAX_DELIVERIES` (5). */
  maxDeliveries: number;
  /** `WORKER_BACKOFF_MS`: comma-separated redelivery delays (1000,5000,30000,120000). */
  backoffMs: number[];
  /** `WORKER_ACK_WAIT_MS` (30000). */
  ackWaitMs: number;
  /** `WORKER_CONCURRENCY`: messages one replica handles at once (8). */
  concurrency: number;
  /** Where a worker started alone serves `GET /metrics`, `/healthz` and `/readyz`: `HOST` (127.0.0.1), `WORKER_METRICS_PORT` (9464). */
  metrics: { host: string; port: number };
}

export interface OutboxRelayConfig {
  stream: StreamSpec;
  /** `OUTBOX_BATCH_SIZE` (200). */
  batchSize: number;
  /** `OUTBOX_POLL_MS`: safety-net poll interval (2000). */
  pollIntervalMs: number;
}

const SUBJECT = /^([a-zA-Z0-9_-]+|\*)(\.([a-zA-Z0-9_-]+|\*))*(\.>)?$|^>$/;
const NAME = /^[a-zA-Z0-9_-]+$/;

function list(reader: EnvReader, name: string, fallback: readonly string[]): string[] {
  const raw = reader.optional(name);
  return raw === undefined
    ? [...fallback]
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}

/** Subjects written without the instance (`upstream.>`), on `instance`. */
function subjects(reader: EnvReader, name: string, fallback: readonly string[], instance?: string): string[] {
  const values = list(reader, name, fallback);
  const bad = values.filter((s) => !SUBJECT.test(s));
  if (values.length === 0 || bad.length > 0) {
    throw new ConfigurationError(
      `${name}: expected comma-separated NATS subjects such as upstream.> (got ${JSON.stringify(bad.join(',') || '')})`,
    );
  }
  return values.map((s) => instanceSubject(s, instance));
}

/**
 * PACKFLOW_INSTANCE as given: readCommonConfig, which every service reads from the same
 * environment, checks it and reports a bad one.
 */
const instanceOf = (reader: EnvReader) => reader.optional('PACKFLOW_INSTANCE');

function streamName(reader: EnvReader, name: string, fallback: string): string {
  const value = reader.string(name, fallback);
  if (!NAME.test(value))
    throw new ConfigurationError(`${name}: letters, digits, _ and - only (got ${JSON.stringify(value)})`);
  return value;
}

/**
 * `JETSTREAM_STREAM` (PACKFLOW_EVENTS, or `<instance>_PACKFLOW_EVENTS`) with
 * `JETSTREAM_STREAM_SUBJECTS` (upstream.>,stream.>,results.>, on the instance).
 */
export function readStreamSpec(reader: EnvReader): StreamSpec {
  const instance = instanceOf(reader);
  return {
    name: streamName(reader, 'JETSTREAM_STREAM', eventsStreamName(instance)),
    subjects: subjects(reader, 'JETSTREAM_STREAM_SUBJECTS', streamSubjects(), instance),
  };
}

export function readWorkerTransportConfig(
  reader: EnvReader,
  defaults: { durable: string; subjects: readonly string[] },
): WorkerTransportConfig {
  const backoff = list(reader, 'WORKER_BACKOFF_MS', ['1000', '5000', '30000', '120000']).map(Number);
  if (backoff.length === 0 || backoff.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new ConfigurationError('WORKER_BACKOFF_MS: expected comma-separated milliseconds such as 1000,5000,30000');
  }
  const instance = instanceOf(reader);
  return {
    ...(instance ? { instance } : {}),
    stream: readStreamSpec(reader),
    durable: instanceDurable(streamName(reader, 'WORKER_DURABLE', defaults.durable), instance),
    filterSubjects: subjects(reader, 'WORKER_SUBJECTS', defaults.subjects, instance),
    maxDeliveries: reader.int('WORKER_MAX_DELIVERIES', 5, { min: 1, max: 1000 }),
    backoffMs: backoff,
    ackWaitMs: reader.int('WORKER_ACK_WAIT_MS', 30_000, { min: 1000 }),
    concurrency: reader.int('WORKER_CONCURRENCY', 8, { min: 1, max: 1000 }),
    metrics: {
      host: reader.string('HOST', '127.0.0.1'),
      port: reader.int('WORKER_METRICS_PORT', 9464, { min: 0, max: 65535 }),
    },
  };
}

/** The transport options a worker's config sets; the caller adds connections, validator and dead letters. */
export function workerConsumerOptions(
  config: WorkerTransportConfig,
): Pick<
  JetStreamConsumerOptions,
  | 'instance'
  | 'streams'
  | 'stream'
  | 'durable'
  | 'filterSubjects'
  | 'maxDeliveries'
  | 'backoffMs'
  | 'ackWaitMs'
  | 'concurrency'
> {
  return {
    instance: config.instance,
    streams: [config.stream],
    stream: config.stream.name,
    durable: config.durable,
    filterSubjects: config.filterSubjects,
    maxDeliveries: config.maxDeliveries,
    backoffMs: config.backoffMs,
    ackWaitMs: config.ackWaitMs,
    concurrency: config.concurrency,
  };
}

export function readOutboxRelayConfig(reader: EnvReader): OutboxRelayConfig {
  return {
    stream: readStreamSpec(reader),
    batchSize: reader.int('OUTBOX_BATCH_SIZE', 200, { min: 1, max: 10_000 }),
    pollIntervalMs: reader.int('OUTBOX_POLL_MS', 2000, { min: 50 }),
  };
}
