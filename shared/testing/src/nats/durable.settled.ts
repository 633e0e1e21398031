// Waiting for a worker to be done with what was published: the durable consumer's
// acknowledgement floor, not a sleep.
import type { JetStreamManager } from '@nats-io/jetstream';
import { waitFor } from '../wait-for.js';

/** Waits until the durable has acknowledged (or terminated) everything up to stream sequence `seq`. */
export async function durableSettled(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  seq: number,
): Promise<void> {
  await waitFor(
    async () => {
      const info = await jsm.consumers.info(stream, durable);
      return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 && info.num_pending === 0;
    },
    { what: `${durable} to settle up to ${seq}` },
  );
}
