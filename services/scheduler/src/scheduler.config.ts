import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';
import { readOutboxRelayConfig, type OutboxRelayConfig } from '@packflow/messaging';
import { checkRoutingRules, DEFAULT_ROUTING_RULES, type RoutingRule } from '@packflow/events';
import { readFedoraMessagingConfig, type FedoraMessagingConfig } from './bus/fedora-messaging.config.js';
import { Secret } from './intake/secret.js';

export interface SchedulerConfig extends CommonConfig {
  host: string;
  port: number;
  /** Largest accepted webhook body (GitHub's own maximum by default). */
  bodyLimit: number;
  /** Outbox relay: OUTBOX_BATCH_SIZE, OUTBOX_POLL_MS, and the events stream it publishes to (JETSTREAM_STREAM). */
  outbox: OutboxRelayConfig;
  /** GITHUB_WEBHOOK_SECRET: HMAC key of `X-Hub-Signature-256`; unset: /webhooks/github refuses everything. */
  githubWebhookSecret: Secret | null;
  /** GITLAB_WEBHOOK_TOKEN: the `X-Gitlab-Token` GitLab sends; unset: /webhooks/gitlab refuses everything. */
  gitlabWebhookToken: Secret | null;
  /** MESSAGES_TOKEN: the bearer token of the fedora-messaging bridge; unset: /webhooks/messages refuses everything. */
  messagesToken: Secret | null;
  /** ROUTING_RULES (JSON array): which ecosystem owns a project; first match wins, else upstream. */
  routingRules: readonly RoutingRule[];
  /** FEDORA_MESSAGING_*: the bus the scheduler consumes itself; null (unset URL): none. */
  fedoraMessaging: FedoraMessagingConfig | null;
}

export function loadSchedulerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<SchedulerConfig> {
  const r = new EnvReader(env);
  return r.done({
    ...readCommonConfig(r),
    host: r.string('HOST', '127.0.0.1'),
    port: r.int('SCHEDULER_PORT', 8080, { min: 0, max: 65535 }),
    bodyLimit: r.int('WEBHOOK_BODY_LIMIT', 25 * 1024 * 1024, { min: 1024 }),
    outbox: readOutboxRelayConfig(r),
    githubWebhookSecret: Secret.optional(r.secret('GITHUB_WEBHOOK_SECRET')),
    gitlabWebhookToken: Secret.optional(r.secret('GITLAB_WEBHOOK_TOKEN')),
    messagesToken: Secret.optional(r.secret('MESSAGES_TOKEN')),
    routingRules: r.json<readonly RoutingRule[]>('ROUTING_RULES', DEFAULT_ROUTING_RULES, checkRoutingRules),
    fedoraMessaging: readFedoraMessagingConfig(r),
  });
}
