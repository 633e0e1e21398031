// @packflow/nest-jetstream: the JetStream transport for NestJS microservices: the server
// strategy over @packflow/messaging's consumer, the client proxy, the error filter that
// keeps a handler's error for the transport, and the start of a worker service.
import 'reflect-metadata';

export { JetStreamServer } from './jetstream.server.js';
export { JetStreamErrorFilter } from './jetstream-error.filter.js';
export { createJetStreamMicroservice, type JetStreamMicroserviceOptions } from './jetstream.microservice.js';
export {
  JetStreamClientProxy,
  JetStreamRecord,
  contentMsgId,
  type JetStreamClientOptions,
} from './jetstream.client.js';
export { startJetStreamWorker, type JetStreamWorkerSpec } from './jetstream.worker.js';
