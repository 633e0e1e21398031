// The Pagure driver: Fedora's dist-git events reach packflow as fedora-messaging messages
// (`org.fedoraproject.prod.pagure.pull-request.new`, `….flag.updated`, `git.receive`…), so
// its parser is @packflow/events' message parser, and the event name is the message topic.
// Pagure's per-project webhooks (signed with each project's own key) are not taken: a
// webhook is refused, saying so. `packflow plan --event` plans a Pagure message with it.
import { parseMessage } from '@packflow/events';
import type { ForgeDriver } from '../forge.types.js';

/** The topic of a Pagure or dist-git bus message, when the body is one. */
function inferEventName(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const topic = (payload as Record<string, unknown>).topic;
  return typeof topic === 'string' && /\.(pagure\.|git\.receive$)/.test(topic) ? topic : undefined;
}

export const pagureDriver: ForgeDriver = {
  forge: 'pagure',
  source: 'messages',
  eventHeader: 'X-Pagure-Topic',
  deliveryHeader: 'X-Pagure-Delivery',
  verify: () => 'Pagure events are taken from fedora-messaging, not as webhooks',
  // The topic inside the message decides; the event name is only how it was found.
  parse: (_eventName, payload) => parseMessage(payload),
  inferEventName,
};
