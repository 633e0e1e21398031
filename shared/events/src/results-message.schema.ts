// Messages about test results that belong to no ecosystem: a KCIDB report accepted by
// the web service and waiting to be loaded. They travel on `results.…` subjects of the
// same stream as events and are consumed by the results worker.
//
// The message carries the submission's id, not the report: the report is stored in
// `shared.kcidb_submissions` in the transaction that writes the outbox row, so the
// message stays small whatever the report's size and a redelivery loads nothing twice.
import { z } from 'zod';
import { ValidationError } from '@packflow/base';
import { validateEventMessage, zodProblems, type EventMessage } from './event-message.schema.js';
import { instanceSubject, KCIDB_LOADED_SUBJECT, KCIDB_SUBMITTED_SUBJECT, splitSubject } from './subject.scheme.js';

export const kcidbSubmittedSchema = z.object({
  type: z.literal('kcidb.submitted'),
  /** `shared.kcidb_submissions.id`. */
  submissionId: z.uuid(),
  /** The origins the submitting token was allowed, for logs. */
  origins: z.array(z.string()),
});
export type KcidbSubmittedMessage = z.infer<typeof kcidbSubmittedSchema>;

/** The outbox row (subject on `instance`, Nats-Msg-Id, payload) announcing one stored submission. */
export function kcidbSubmittedMessage(submissionId: string, origins: readonly string[], instance?: string) {
  const payload: KcidbSubmittedMessage = { type: 'kcidb.submitted', submissionId, origins: [...origins] };
  return { subject: instanceSubject(KCIDB_SUBMITTED_SUBJECT, instance), msgId: `kcidb-${submissionId}`, payload };
}

const RESULTS_SCHEMAS: Readonly<Record<string, z.ZodType>> = { [KCIDB_SUBMITTED_SUBJECT]: kcidbSubmittedSchema };

/**
 * Validates a message received on a `results.…` subject; throws a ValidationError (the
 * transport dead-letters the message) naming the subject and what is wrong.
 */
export function validateResultsMessage(subject: string, payload: unknown): KcidbSubmittedMessage {
  const schema = RESULTS_SCHEMAS[splitSubject(subject).local];
  if (!schema)
    throw new ValidationError(
      `subject ${subject} is not a results subject ([<instance>.]${Object.keys(RESULTS_SCHEMAS).join(', ')})`,
      { subject },
    );
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new ValidationError(`message on ${subject}: ${zodProblems(parsed.error)}`, { subject });
  return parsed.data as KcidbSubmittedMessage;
}

export const kcidbLoadedSchema = z.object({
  type: z.literal('kcidb.loaded'),
  /** `shared.kcidb_submissions.id`. */
  submissionId: z.uuid(),
  /** The `git_commit_hash` of every checkout the submission loaded or reported builds and tests of. */
  commits: z.array(z.string().min(1)).min(1),
});
export type KcidbLoadedMessage = z.infer<typeof kcidbLoadedSchema>;

/**
 * The outbox row announcing that a submission was loaded, written in the transaction that
 * loads it (Nats-Msg-Id `kcidb-loaded-<id>`: a submission is loaded once).
 */
export function kcidbLoadedMessage(submissionId: string, commits: readonly string[], instance?: string) {
  const payload: KcidbLoadedMessage = { type: 'kcidb.loaded', submissionId, commits: [...commits] };
  return { subject: instanceSubject(KCIDB_LOADED_SUBJECT, instance), msgId: `kcidb-loaded-${submissionId}`, payload };
}

/**
 * Validates a message received on a `stream.…` subject: the announcement of a loaded KCIDB
 * submission, or else an event (`validateEventMessage`).
 */
export function validateStreamMessage(subject: string, payload: unknown): EventMessage | KcidbLoadedMessage {
  if (splitSubject(subject).local !== KCIDB_LOADED_SUBJECT) return validateEventMessage(subject, payload);
  const parsed = kcidbLoadedSchema.safeParse(payload);
  if (!parsed.success) throw new ValidationError(`message on ${subject}: ${zodProblems(parsed.error)}`, { subject });
  return parsed.data;
}
