// @packflow/messaging: the JetStream transport for NestJS microservices (server strategy
// and client proxy), a plain publisher, the transactional-outbox relay and dead letters.
import 'reflect-metadata';

export {
  JetStreamServer,
  describeError,
  payloadValidator,
  DEFAULT_BACKOFF_MS,
  type JetStreamServerOptions,
  type PayloadValidator,
} from './jetstream.server.js';
export { JetStreamContext } from './jetstream.context.js';
export { JetStreamErrorFilter } from './jetstream-error.filter.js';
export { createJetStreamMicroservice, type JetStreamMicroserviceOptions } from './jetstream.microservice.js';
export {
  JetStreamClientProxy,
  JetStreamRecord,
  contentMsgId,
  type JetStreamClientOptions,
} from './jetstream.client.js';
export {
  JetStreamPublisher,
  MSG_ID_HEADER,
  toNatsHeaders,
  fromNatsHeaders,
  type MessageHeaders,
  type PublishOptions,
  type Published,
} from './jetstream.publisher.js';
export {
  ensureStream,
  ensureDurableConsumer,
  packflowEventsStream,
  PACKFLOW_EVENTS_STREAM,
  PACKFLOW_EVENT_SUBJECTS,
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_MAX_AGE_MS,
  type StreamSpec,
  type DurableConsumerSpec,
} from './jetstream.topology.js';
export { subjectMatches, selectPattern, isWildcardPattern } from './subject.pattern.js';
export { DeadLetterRepository, type DeadLetterSink, type NewDeadLetter } from './dead-letter.repository.js';
export { replayDeadLetter, REPLAY_CONSUMER_HEADER, REPLAY_OF_HEADER, type ReplayResult } from './dead-letter.replay.js';
export { OutboxRelay, OUTBOX_NOTIFY_CHANNEL, type OutboxRelayOptions, type RelayPass } from './outbox.relay.js';
export {
  readWorkerTransportConfig,
  readOutboxRelayConfig,
  readStreamSpec,
  workerServerOptions,
  type WorkerTransportConfig,
  type OutboxRelayConfig,
} from './messaging.config.js';
export { connectNatsOnce } from './nats.connection.js';
export { eventWorkerServer } from './event-worker.server.js';
export { startJetStreamWorker, type JetStreamWorkerSpec } from './jetstream.worker.js';
