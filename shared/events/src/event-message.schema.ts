// What travels on JetStream: the typed event plus the ids the scheduler gave it.
//
// Subjects (`[<instance>.]<ecosystem>.<event type>`) are built and parsed in
// subject.scheme.ts; the forge is in the payload (`project.forge`).
import { z } from 'zod';
import { ValidationError } from '@packflow/base';
import { eventSchema, type PackflowEvent } from './event.schema.js';
import { ECOSYSTEMS } from './routing.js';
import { parseSubject } from './subject.scheme.js';

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
    throw new ValidationError(`subject ${subject} is not an event subject ([<instance>.]<ecosystem>.<event type>)`, {
      subject,
    });
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
