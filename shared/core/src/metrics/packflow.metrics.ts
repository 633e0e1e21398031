// packflow's Prometheus metrics: one registry per process, served as `GET /metrics` by
// every service (the HTTP services through the platform, the workers on their own metrics
// port). `pnpm start` runs every service in one process, so one registry holds them all.
// The names are documented in docs/metrics.md; a metric renamed there is renamed here.
//
// Counters are counted where things happen. Gauges that describe state elsewhere (the
// outbox backlog, a JetStream consumer's lag) are read when scraped, from sources the
// component owning that state adds (and removes when it stops).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';

/** The process's registry. */
export const metricsRegistry = new Registry();
let processMetrics = false;

type Sample<L extends string> = readonly [labels: LabelValues<L>, value: number];

/** A gauge whose values are read at scrape time from the sources added to it. */
export class ScrapedGauge<L extends string = string> {
  private readonly sources = new Set<() => Promise<readonly Sample<L>[]>>();

  constructor(name: string, help: string, labelNames: readonly L[] = []) {
    const sources = this.sources;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [metricsRegistry],
      async collect() {
        this.reset();
        for (const read of sources) {
          // A source that cannot answer now (its database is down) leaves its series out.
          const samples = await read().catch(() => []);
          for (const [labels, value] of samples) this.set(labels, value);
        }
      },
    });
  }

  /** Adds a source; returns what removes it. */
  add(read: () => Promise<readonly Sample<L>[]>): () => void {
    this.sources.add(read);
    return () => this.sources.delete(read);
  }
}

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
  new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] });

export const metrics = {
  webhooksReceived: counter(
    'packflow_webhooks_received_total',
    'Deliveries to the intake, by source (github, gitlab, messages, testing-farm) and outcome (accepted, duplicate, ignored, rejected, or the error code of a refused one)',
    ['forge', 'outcome'],
  ),
  outboxBacklog: new ScrapedGauge('packflow_outbox_backlog', 'Outbox messages not yet published to JetStream'),
  outboxOldestAge: new ScrapedGauge(
    'packflow_outbox_oldest_age_seconds',
    'Age of the oldest outbox message not yet published (0 when none waits)',
  ),
  consumerPending: new ScrapedGauge(
    'packflow_jetstream_consumer_pending',
    'Messages of the stream the durable consumer has not been delivered yet (num_pending: its lag)',
    ['stream', 'consumer'],
  ),
  consumerAckPending: new ScrapedGauge(
    'packflow_jetstream_consumer_ack_pending',
    'Messages delivered to the durable consumer and not yet acknowledged',
    ['stream', 'consumer'],
  ),
  messagesHandled: counter(
    'packflow_messages_handled_total',
    'JetStream messages a worker finished with, by consumer and outcome (acked, retried, dead_lettered)',
    ['consumer', 'outcome'],
  ),
  messagesDeadLettered: counter(
    'packflow_messages_dead_lettered_total',
    'JetStream messages a worker gave up on and recorded as dead letters, by consumer',
    ['consumer'],
  ),
  pipelinesStarted: counter('packflow_pipelines_started_total', 'Pipelines started, by trigger', ['trigger']),
  pipelinesFinished: counter(
    'packflow_pipelines_finished_total',
    'Pipelines that reached a final state, by result (success, failure, error, skipped, cancelled)',
    ['result'],
  ),
  activityCalls: counter(
    'packflow_activity_calls_total',
    'Calls of activities (external work: Copr builds, Testing Farm requests, reports), by job and call (submit, poll, cancel, report)',
    ['job', 'call'],
  ),
  activityErrors: counter(
    'packflow_activity_errors_total',
    'Activity calls that failed (retried or not), by job and call',
    ['job', 'call'],
  ),
  httpRequestDuration: new Histogram<'service' | 'method' | 'route' | 'status'>({
    name: 'packflow_http_request_duration_seconds',
    help: 'HTTP requests served, by service, method, route (the route template, not the path) and status',
    labelNames: ['service', 'method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [metricsRegistry],
  }),
};

/** Counts an activity call and, when it fails, the error; returns what `call` returns. */
export async function countedActivity<T>(job: string, call: string, run: () => Promise<T>): Promise<T> {
  metrics.activityCalls.inc({ job, call });
  try {
    return await run();
  } catch (error) {
    metrics.activityErrors.inc({ job, call });
    throw error;
  }
}

/** The registry in Prometheus' text format, with its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  // Node's own metrics (CPU, memory, event loop) from the first scrape on: a CLI command
  // that loads this module but serves nothing starts no monitoring.
  if (!processMetrics) {
    processMetrics = true;
    collectDefaultMetrics({ register: metricsRegistry, prefix: 'packflow_' });
  }
  return { contentType: metricsRegistry.contentType, body: await metricsRegistry.metrics() };
}
