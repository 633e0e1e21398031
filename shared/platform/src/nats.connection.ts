import { connect, type NatsConnection } from '@nats-io/transport-node';
import { PackflowError, redactUrl, type Logger } from '@packflow/core';

/**
 * Connects to NATS. Unreachable at start: a clear error (the process exits and its
 * supervisor restarts it). Once connected it reconnects for ever: a later outage degrades
 * health (and the scheduler's outbox holds events) instead of killing the process.
 */
export async function connectNats(url: string, name: string, logger: Logger): Promise<NatsConnection> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5000,
      // Otherwise every request (each JetStream publish is one) builds two Error objects
      // up front for a stack of where it was made: about 2.5% of the scheduler's busy time
      // in bench/intake (the outbox relay publishes every accepted webhook). A timeout
      // still says what timed out; our callers wrap it with the subject.
      noAsyncTraces: true,
    });
  } catch (error) {
    throw new PackflowError(
      'nats_unreachable',
      `cannot connect to NATS at ${redactUrl(url)}: ${(error as Error).message}`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect')
        logger.warn({ nats: redactUrl(url), event: s.type }, `NATS ${s.type}`);
    }
  })();
  return nc;
}

/** True when the server answers a round trip within `timeoutMs`. */
export async function natsReachable(nc: NatsConnection, timeoutMs = 1000): Promise<string | undefined> {
  if (nc.isClosed()) return 'connection closed';
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      nc.flush(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    clearTimeout(timer);
  }
}
