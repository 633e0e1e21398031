// What travels on JetStream: the typed event plus the ids the scheduler gave it.
//
// Subject scheme: `<ecosystem>.<event type>`, all lowercase and dotted, for example
// `upstream.pull_request.opened`, `upstream.copr.build_end`, `stream.push.branch`.
// A worker deployment subscribes to `<ecosystem>.>` (or a narrower filter such as
// `upstream.pull_request.>`); the forge is in the payload (`project.forge`).
import { z } from 'zod';
import { ValidationError } from '@packflow/base';
import { EVENT_TYPES, eventSchema, type EventType, type PackflowEvent } from './event.schema.js';
import { ECOSYSTEMS, type Ecosystem } from './routing.js';

/** The subject an event is published on. */
export function eventSubject(event: PackflowEvent | EventType, ecosystem: Ecosystem): string {
  return `${ecosystem}.${typeof event === 'string' ? event : event.type}`;
}

/** The JetStream filter subject of everything meant for one ecosystem. */
export function ecosystemSubjects(ecosystem: Ecosystem): string {
  return `${ecosystem}.>`;
}

/** Every subject packflow publishes on, for stream configuration and tests. */
export function allSubjects(): string[] {
  return ECOSYSTEMS.flatMap((ecosystem) => EVENT_TYPES.map((type) => eventSubject(type, ecosystem)));
}

/** `upstream.pull_request.opened` -> its ecosystem and event type; null for any other subject. */
export function parseSubject(subject: string): { ecosystem: Ecosystem; type: EventType } | null {
  const dot = subject.indexOf('.');
  const ecosystem = subject.slice(0, dot) as Ecosystem;
  const type = subject.slice(dot + 1) as EventType;
  return dot > 0 && ECOSYSTEMS.includes(ecosystem) && EVENT_TYPES.includes(type) ? { ecosystem, type } : null;
}

const metaSchema = z.object({
  /** `shared.events.id` of the recorded event. */
  eventId: z.string().regex(/^\d+$/),
  /** The delivery id (also the Nats-Msg-Id), unique per received event. */
  deliveryId: z.string().min(1),
  ecosystem: z.enum(ECOSYSTEMS),
});
export type EventMessageMeta = z.infer<typeof metaSchema>;

/** A message payload: the typed event with `eventId`, `deliveryId` and `ecosystem`. */
export type EventMessage = PackflowEvent & EventMessageMeta;

export function toEventMessage(event: PackflowEvent, meta: EventMessageMeta): EventMessage {
  return { ...event, ...meta };
}

/** The first few issues of a failed parse, each as `path: message`. */
export function zodProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Validates a received message against the schema of its subject's event type. Returns
 * the typed message or throws a ValidationError (not retryable: the transport
 * dead-letters it) naming what is wrong.
 */
export function validateEventMessage(subject: string, payload: unknown): EventMessage {
  const target = parseSubject(subject);
  if (!target)
    throw new ValidationError(`subject ${subject} is not an event subject (<ecosystem>.<event type>)`, { subject });
  const meta = metaSchema.safeParse(payload);
  if (!meta.success) throw new ValidationError(`message on ${subject}: ${zodProblems(meta.error)}`, { subject });
  const event = eventSchema.safeParse(payload);
  if (!event.success) throw new ValidationError(`message on ${subject}: ${zodProblems(event.error)}`, { subject });
  if (event.data.type !== target.type || meta.data.ecosystem !== target.ecosystem) {
    throw new ValidationError(`message on ${subject} carries a ${meta.data.ecosystem}.${event.data.type} event`, {
      subject,
    });
  }
  return { ...event.data, ...meta.data };
}

/** Checks a typed event against its schema (the scheduler and tests use it as a self-check). */
export function validateEvent(event: unknown): PackflowEvent {
  const result = eventSchema.safeParse(event);
  if (!result.success) throw new ValidationError(`event: ${zodProblems(result.error)}`);
  return result.data;
}
