import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ExternalServiceError, redactUrl } from '@packflow/core';

/** One connection for a short command (CLI): fails at once when NATS does not answer. */
export async function connectNatsOnce(url: string, name: string, timeoutMs = 5000): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, name, timeout: timeoutMs, maxReconnectAttempts: 0 });
  } catch (error) {
    throw new ExternalServiceError('NATS', `cannot connect to ${redactUrl(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
