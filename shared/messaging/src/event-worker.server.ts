import type { Logger, MikroORM } from '@packflow/core';
import { DeadLetterRepository } from './dead-letter.repository.js';
import { JetStreamServer, payloadValidator, type JetStreamServerOptions } from './jetstream.server.js';
import { workerServerOptions, type WorkerTransportConfig } from './messaging.config.js';

/**
 * The server factory of an event worker (upstream, stream): its transport config, payloads
 * validated on receive, dead letters in the database. For `createJetStreamMicroservice`
 * with `inject: [NATS, ORM]`.
 */
export function eventWorkerServer(
  transport: WorkerTransportConfig,
  logger: Logger,
  validate: (subject: string, data: unknown) => unknown,
): (nats: JetStreamServerOptions['nats'], orm: MikroORM) => JetStreamServer {
  return (nats, orm) =>
    new JetStreamServer({
      ...workerServerOptions(transport),
      nats,
      orm,
      logger,
      validate: payloadValidator(validate),
      deadLetters: new DeadLetterRepository(orm),
    });
}
