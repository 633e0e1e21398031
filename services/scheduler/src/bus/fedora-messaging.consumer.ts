// The scheduler's own fedora-messaging consumer: a durable queue bound to `amq.topic` for
// the topics packflow handles, each message handed to the same intake as a webhook.
//
// A message is acknowledged only once it is recorded (with its outbox row), so nothing
// is lost to a crash or a database outage: unacknowledged messages go back to the queue
// when the connection drops. The intake records a message id once, so a redelivery
// after a crash between commit and ack is a duplicate, not a second event. A message
// that cannot be parsed is recorded as rejected and acknowledged: requeueing it would
// fail the same way for ever. When recording fails (the database is down), the consumer
// waits before handing the message back, longer each time, so an outage is not a hot
// loop. rabbitmq-client reconnects with its own backoff and redeclares the queue and
// its bindings on every reconnect.
import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Connection, ConsumerStatus, type AsyncMessage, type Consumer } from 'rabbitmq-client';
import type { Logger } from '@packflow/core';
import { CONFIG, HealthParts, LOGGER, type HealthPartState } from '@packflow/platform';
import { IntakeService } from '../intake/intake.service.js';
import type { SchedulerConfig } from '../scheduler.config.js';
import type { FedoraMessagingConfig } from './fedora-messaging.config.js';

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 30_000;

@Injectable()
export class FedoraMessagingConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly config: FedoraMessagingConfig | null;
  private readonly logger: Logger;
  private connection?: Connection;
  private consumer?: Consumer;
  private health: HealthPartState = { state: 'connecting' };
  private failures = 0;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(CONFIG) config: SchedulerConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(IntakeService) private readonly intake: IntakeService,
    @Inject(HealthParts) parts: HealthParts,
  ) {
    this.config = config.fedoraMessaging;
    this.logger = logger.child({ component: 'fedora-messaging' });
    if (this.config) parts.register('fedoraMessaging', () => this.health);
  }

  onApplicationBootstrap(): void {
    const config = this.config;
    if (!config) return;
    const connection = new Connection({
      url: config.url,
      tls: config.url.startsWith('amqps:') ? tlsOptions(config) : undefined,
      connectionName: 'packflow-scheduler',
      retryLow: 1000,
      retryHigh: 30_000,
    });
    connection.on('error', (error) => {
      this.health = { state: 'reconnecting', detail: withoutCredentials(error.message, config.url) };
      this.logger.warn(
        { err: withoutCredentials(error.message, config.url) },
        'fedora-messaging connection failed; retrying',
      );
    });
    connection.on('connection', () => this.logger.info({ queue: config.queue }, 'fedora-messaging connected'));
    const consumer = connection.createConsumer(
      {
        queue: config.queue,
        queueOptions: { durable: true },
        qos: { prefetchCount: config.prefetch },
        concurrency: config.prefetch,
        exchanges: config.exchange.startsWith('amq.')
          ? []
          : [{ exchange: config.exchange, type: 'topic', durable: true }],
        queueBindings: config.topics.map((routingKey) => ({
          exchange: config.exchange,
          queue: config.queue,
          routingKey,
        })),
      },
      (message) => this.handle(message),
    );
    consumer.on('ready', () => {
      this.health = { state: 'consuming' };
    });
    consumer.on('error', (error) => {
      this.health = { state: 'reconnecting', detail: withoutCredentials(error.message, config.url) };
      this.logger.warn(
        { err: withoutCredentials(error.message, config.url) },
        'fedora-messaging consumer failed; retrying',
      );
    });
    this.connection = connection;
    this.consumer = consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.consumer?.close();
    await this.connection?.close();
  }

  private async handle(message: AsyncMessage): Promise<ConsumerStatus> {
    try {
      await this.intake.busMessage({
        topic: message.routingKey,
        id: message.messageId ?? null,
        headers: message.headers ?? {},
        body: message.body,
      });
      this.failures = 0;
      return ConsumerStatus.ACK;
    } catch (error) {
      // Not recorded (the database is unreachable): back to the queue, after a pause.
      this.failures += 1;
      const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(this.failures - 1, 10));
      this.logger.warn(
        { err: error, topic: message.routingKey, messageId: message.messageId, retryInMs: delay },
        'could not record a bus message; it goes back to the queue',
      );
      await pause(delay, this.stopping.signal);
      return ConsumerStatus.REQUEUE;
    }
  }
}

function tlsOptions(config: FedoraMessagingConfig) {
  const { caCert, certFile, keyFile } = config.tls;
  return {
    ca: caCert ? readFileSync(caCert) : undefined,
    cert: certFile ? readFileSync(certFile) : undefined,
    key: keyFile ? readFileSync(keyFile) : undefined,
  };
}

/** A broker error can quote the URL; its password never reaches a log or `/healthz`. */
function withoutCredentials(text: string, url: string): string {
  const password = new URL(url).password;
  return password ? text.split(password).join('***') : text;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
