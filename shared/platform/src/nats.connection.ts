import { connect, type NatsConnection } from '@nats-io/transport-node';
import { redactUrl, type Logger } from '@packflow/core';

/**
 * Connects to NATS and keeps reconnecting for ever: a NATS outage degrades health
 * (and the scheduler's outbox holds events) instead of killing the process.
 */
export async function connectNats(url: string, name: string, logger: Logger): Promise<NatsConnection> {
  const nc = await connect({
    servers: url,
    name,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect' || s.type === 'reconnect') logger.warn({ nats: redactUrl(url), event: s.type }, `NATS ${s.type}`);
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
