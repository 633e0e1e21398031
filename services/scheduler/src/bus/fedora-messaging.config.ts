// The scheduler's fedora-messaging settings, read with the rest of its config. Names
// follow fedora-messaging's own config file: `amqp_url`, the `[tls]` table's `ca_cert`,
// `certfile` and `keyfile`, and a durable queue bound to `amq.topic`.
import type { EnvReader } from '@packflow/core';

/**
 * The topics packflow acts on, as AMQP topic-exchange patterns (`*` is one dotted word,
 * `#` any number): Copr builds, Koji tasks/builds and tags, dist-git pushes, Pagure pull
 * requests (new, updated, rebased, comments, flags) and new upstream versions from
 * release-monitoring and the-new-hotness. Any environment (`prod`, `stg`) matches.
 */
export const FEDORA_TOPICS: readonly string[] = [
  'org.fedoraproject.*.copr.build.*',
  'org.fedoraproject.*.buildsys.task.state.change',
  'org.fedoraproject.*.buildsys.build.state.change',
  'org.fedoraproject.*.buildsys.tag',
  'org.fedoraproject.*.git.receive',
  'org.fedoraproject.*.pagure.git.receive',
  'org.fedoraproject.*.pagure.pull-request.#',
  'org.fedoraproject.*.hotness.update.bug.file',
  'org.release-monitoring.*.anitya.project.version.update',
  'org.release-monitoring.*.anitya.project.version.update.v2',
];

export interface FedoraMessagingConfig {
  /** FEDORA_MESSAGING_URL (`amqp://` or `amqps://`); credentials in it are never logged. */
  url: string;
  /** FEDORA_MESSAGING_QUEUE: the durable queue, bound to `exchange` for `topics`. */
  queue: string;
  /** FEDORA_MESSAGING_EXCHANGE: the topic exchange messages are published to (`amq.topic`). */
  exchange: string;
  /** FEDORA_MESSAGING_TOPICS (comma-separated patterns); the ones packflow handles by default. */
  topics: readonly string[];
  /** FEDORA_MESSAGING_CA_CERT, FEDORA_MESSAGING_CERTFILE, FEDORA_MESSAGING_KEYFILE: files, for `amqps://`. */
  tls: { caCert?: string; certFile?: string; keyFile?: string };
  /** FEDORA_MESSAGING_PREFETCH: messages in flight at once. */
  prefetch: number;
}

/** null when FEDORA_MESSAGING_URL is unset: the scheduler then consumes no bus. */
export function readFedoraMessagingConfig(r: EnvReader): FedoraMessagingConfig | null {
  const url = r.url('FEDORA_MESSAGING_URL', undefined, ['amqp', 'amqps'], true);
  const queue = r.string('FEDORA_MESSAGING_QUEUE', 'packflow');
  const exchange = r.string('FEDORA_MESSAGING_EXCHANGE', 'amq.topic');
  const topics = r.optional('FEDORA_MESSAGING_TOPICS');
  const tls = {
    caCert: r.optional('FEDORA_MESSAGING_CA_CERT'),
    certFile: r.optional('FEDORA_MESSAGING_CERTFILE'),
    keyFile: r.optional('FEDORA_MESSAGING_KEYFILE'),
  };
  const prefetch = r.int('FEDORA_MESSAGING_PREFETCH', 32, { min: 1, max: 1000 });
  if (!url) return null;
  return {
    url,
    queue,
    exchange,
    topics: topics
      ? topics
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : FEDORA_TOPICS,
    tls,
    prefetch,
  };
}
