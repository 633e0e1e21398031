import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, EnvReader, ExternalServiceError, ValidationError } from '@packflow/core';
import { describeError } from './jetstream.consumer.js';
import { readOutboxRelayConfig, readWorkerTransportConfig, workerConsumerOptions } from './messaging.config.js';

const worker = (env: Record<string, string>) =>
  readWorkerTransportConfig(new EnvReader(env), { durable: 'upstream-worker', subjects: ['upstream.>'] });

describe('worker transport config', () => {
  it('defaults to the events stream, the deployment durable and its ecosystem subjects', () => {
    const config = worker({});
    expect(config).toEqual({
      stream: { name: 'PACKFLOW_EVENTS', subjects: ['upstream.>', 'stream.>', 'results.>'] },
      durable: 'upstream-worker',
      filterSubjects: ['upstream.>'],
      maxDeliveries: 5,
      backoffMs: [1000, 5000, 30_000, 120_000],
      ackWaitMs: 30_000,
      concurrency: 8,
      metrics: { host: '127.0.0.1', port: 9464 },
    });
    expect(workerConsumerOptions(config)).toMatchObject({
      streams: [config.stream],
      stream: 'PACKFLOW_EVENTS',
      durable: 'upstream-worker',
    });
  });

  it('reads a deployment of its own from WORKER_DURABLE, WORKER_SUBJECTS and the limits', () => {
    const config = worker({
      WORKER_DURABLE: 'upstream-worker-gitlab',
      WORKER_SUBJECTS: 'upstream.push.>, upstream.pull_request.*',
      WORKER_MAX_DELIVERIES: '3',
      WORKER_BACKOFF_MS: '100,200',
      JETSTREAM_STREAM: 'EVENTS_STAGING',
      JETSTREAM_STREAM_SUBJECTS: 'staging.>',
    });
    expect(config).toMatchObject({
      durable: 'upstream-worker-gitlab',
      filterSubjects: ['upstream.push.>', 'upstream.pull_request.*'],
      maxDeliveries: 3,
      backoffMs: [100, 200],
      stream: { name: 'EVENTS_STAGING', subjects: ['staging.>'] },
    });
  });

  it('puts PACKFLOW_INSTANCE on the stream, the durable and every subject, given ones included', () => {
    expect(worker({ PACKFLOW_INSTANCE: 'dev-a' })).toMatchObject({
      instance: 'dev-a',
      stream: { name: 'dev-a_PACKFLOW_EVENTS', subjects: ['dev-a.upstream.>', 'dev-a.stream.>', 'dev-a.results.>'] },
      durable: 'dev-a-upstream-worker',
      filterSubjects: ['dev-a.upstream.>'],
    });
    const config = worker({ PACKFLOW_INSTANCE: 'dev-a', WORKER_DURABLE: 'gitlab', WORKER_SUBJECTS: 'upstream.push.>' });
    expect(config).toMatchObject({ durable: 'dev-a-gitlab', filterSubjects: ['dev-a.upstream.push.>'] });
    expect(workerConsumerOptions(config)).toMatchObject({ instance: 'dev-a', stream: 'dev-a_PACKFLOW_EVENTS' });
    expect(readOutboxRelayConfig(new EnvReader({ PACKFLOW_INSTANCE: 'dev-a' })).stream.name).toBe(
      'dev-a_PACKFLOW_EVENTS',
    );
  });

  it('refuses subjects, durable names and delays NATS would not take', () => {
    expect(() => worker({ WORKER_SUBJECTS: 'upstream.>.x' })).toThrow(ConfigurationError);
    expect(() => worker({ WORKER_SUBJECTS: 'upstream push' })).toThrow(/WORKER_SUBJECTS/);
    expect(() => worker({ WORKER_DURABLE: 'upstream.worker' })).toThrow(/WORKER_DURABLE/);
    expect(() => worker({ WORKER_BACKOFF_MS: '1s' })).toThrow(/WORKER_BACKOFF_MS/);
    const reader = new EnvReader({ WORKER_MAX_DELIVERIES: '0' });
    readWorkerTransportConfig(reader, { durable: 'd', subjects: ['a.>'] });
    expect(() => reader.done({})).toThrow(/WORKER_MAX_DELIVERIES/);
  });

  it('reads the outbox relay settings', () => {
    expect(readOutboxRelayConfig(new EnvReader({ OUTBOX_BATCH_SIZE: '50' }))).toEqual({
      stream: { name: 'PACKFLOW_EVENTS', subjects: ['upstream.>', 'stream.>', 'results.>'] },
      batchSize: 50,
      pollIntervalMs: 2000,
    });
  });
});

describe('describeError', () => {
  it('keeps code and message along the cause chain, never a stack', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' });
    const text = describeError(new ExternalServiceError('copr', 'request failed', { cause }));
    expect(text).toBe(
      'external_service_failed: copr: request failed <- caused by Error: connect ECONNREFUSED 10.0.0.1:443',
    );
    expect(describeError(new ValidationError('bad'))).toBe('validation_failed: bad');
    expect(describeError('plain')).toBe('plain');
    expect(describeError({ status: 'error' })).toBe('{"status":"error"}');
  });
});
