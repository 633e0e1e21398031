// Fedora's message bus for end-to-end tests: RabbitMQ on the machine, with an exchange and
// a queue of this run (the scheduler's consumer binds the queue; the test deletes both),
// and messages published as fedora-messaging publishes them.
import { randomUUID } from 'node:crypto';
import { Connection } from 'rabbitmq-client';

export const BROKER = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface FedoraBus {
  exchange: string;
  queue: string;
  /** The scheduler's environment for its consumer of this bus. */
  schedulerEnv: Record<string, string>;
  /**
   * Publishes a message as fedora-messaging does: the topic as routing key, the body as
   * JSON, its id and headers as the AMQP message's (the fakes' messages come wrapped with
   * them).
   */
  publish(message: Record<string, unknown>): Promise<void>;
  /** Deletes this run's queue and exchange from the shared broker. */
  remove(): Promise<void>;
}

export function fedoraBus(): FedoraBus {
  const exchange = `packflow-e2e-${randomUUID()}`;
  const queue = `packflow-e2e-${randomUUID()}`;
  return {
    exchange,
    queue,
    schedulerEnv: {
      FEDORA_MESSAGING_URL: BROKER,
      FEDORA_MESSAGING_EXCHANGE: exchange,
      FEDORA_MESSAGING_QUEUE: queue,
    },
    async publish(message) {
      const wrapped = typeof message.body === 'object' && message.body !== null && 'id' in message;
      const connection = new Connection({ url: BROKER });
      connection.on('error', () => {});
      const publisher = connection.createPublisher({
        confirm: true,
        exchanges: [{ exchange, type: 'topic', durable: true }],
      });
      try {
        await publisher.send(
          {
            exchange,
            routingKey: String(message.topic),
            messageId: wrapped ? String(message.id) : randomUUID(),
            headers: wrapped ? (message.headers as Record<string, unknown>) : {},
            contentType: 'application/json',
            durable: true,
          },
          Buffer.from(JSON.stringify(wrapped ? message.body : message)),
        );
      } finally {
        await publisher.close();
        await connection.close();
      }
    },
    async remove() {
      const connection = new Connection({ url: BROKER });
      connection.on('error', () => {});
      await connection.queueDelete({ queue });
      await connection.exchangeDelete({ exchange });
      await connection.close();
    },
  };
}
