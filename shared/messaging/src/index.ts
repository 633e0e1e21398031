// @packflow/messaging: JetStream without a framework: the consumer loop (ack, nak,
// dead letter), a publisher, stream topology, the transactional-outbox relay and dead
// letters. The NestJS transport on top of it is @packflow/nest-jetstream.

export {
  JetStreamConsumer,
  describeError,
  payloadValidator,
  DEFAULT_BACKOFF_MS,
  type JetStreamConsumerOptions,
  type JetStreamHandler,
  type PayloadValidator,
} from './jetstream.consumer.js';
export { JetStreamContext } from './jetstream.context.js';
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
  eventsStreamName,
  instanceDurable,
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
  workerConsumerOptions,
  type WorkerTransportConfig,
  type OutboxRelayConfig,
} from './messaging.config.js';
export { connectNatsOnce } from './nats.connection.js';
