// Every JetStream subject packflow uses, built and read here and nowhere else.
//
// Scheme: `[<instance>.]<ecosystem>.<event type>` for events (`upstream.pull_request.opened`,
// `dev-a.stream.push.branch`), `[<instance>.]results.kcidb.submitted` for results and
// `[<instance>.]stream.kcidb.loaded` for loaded KCIDB submissions (to the stream worker). The
// instance (PACKFLOW_INSTANCE) is absent by default; installations sharing a NATS server set
// one each, and their subjects, stream and durables never meet. Subjects are written into
// outbox rows at intake with the instance in them, so the relay publishes them as they are;
// worker filters are built from the same functions, and handlers see the subject without the
// instance (`localSubject`), so `@EventPattern('upstream.>')` means the same on every instance.
import { RESERVED_INSTANCE_NAMES } from '@packflow/base';
import { EVENT_TYPES, type EventType, type PackflowEvent } from './event.schema.js';
import { ECOSYSTEMS, type Ecosystem } from './routing.js';

/** The first token of results subjects. */
const RESULTS = 'results';

/** The subject of a stored KCIDB submission, without an instance. */
export const KCIDB_SUBMITTED_SUBJECT = `${RESULTS}.kcidb.submitted`;

/**
 * The subject announcing a loaded KCIDB submission to the stream worker, which reports the
 * results on source-git merge requests when a checkout is a sync's dist-git commit. It is
 * a `stream.…` subject so the stream worker's filter receives it; no event has that type.
 */
export const KCIDB_LOADED_SUBJECT = 'stream.kcidb.loaded';

/** Everything the results worker receives, without an instance. */
export const RESULTS_SUBJECTS = `${RESULTS}.>`;

const prefix = (instance: string | undefined) => (instance ? `${instance}.` : '');

/** A subject or pattern written without an instance (`upstream.>`), on this instance. */
export function instanceSubject(subject: string, instance?: string): string {
  return `${prefix(instance)}${subject}`;
}

/** The subject an event is published on. */
export function eventSubject(event: PackflowEvent | EventType, ecosystem: Ecosystem, instance?: string): string {
  return instanceSubject(`${ecosystem}.${typeof event === 'string' ? event : event.type}`, instance);
}

/** The JetStream filter subject of everything meant for one ecosystem. */
export function ecosystemSubjects(ecosystem: Ecosystem, instance?: string): string {
  return instanceSubject(`${ecosystem}.>`, instance);
}

/** The subjects of the events stream: every ecosystem's and the results'. */
export function streamSubjects(instance?: string): string[] {
  return [...ECOSYSTEMS.map((e) => ecosystemSubjects(e, instance)), instanceSubject(RESULTS_SUBJECTS, instance)];
}

/** Every event subject packflow publishes on, for tests. */
export function allSubjects(instance?: string): string[] {
  return ECOSYSTEMS.flatMap((ecosystem) => EVENT_TYPES.map((type) => eventSubject(type, ecosystem, instance)));
}

/**
 * The instance a subject belongs to and the subject without it. Unambiguous because no
 * instance may be named like a first token of the default subjects.
 */
export function splitSubject(subject: string): { instance?: string; local: string } {
  const dot = subject.indexOf('.');
  const first = subject.slice(0, dot);
  if (dot <= 0 || RESERVED_INSTANCE_NAMES.includes(first)) return { local: subject };
  return { instance: first, local: subject.slice(dot + 1) };
}

/** `subject` without the instance, when it is one of `instance`'s; undefined for another instance's. */
export function localSubject(subject: string, instance?: string): string | undefined {
  const split = splitSubject(subject);
  return split.instance === instance ? split.local : undefined;
}

/** `[<instance>.]upstream.pull_request.opened` -> its instance, ecosystem and event type; null for any other subject. */
export function parseSubject(subject: string): { instance?: string; ecosystem: Ecosystem; type: EventType } | null {
  const { instance, local } = splitSubject(subject);
  const dot = local.indexOf('.');
  const ecosystem = local.slice(0, dot) as Ecosystem;
  const type = local.slice(dot + 1) as EventType;
  if (dot <= 0 || !ECOSYSTEMS.includes(ecosystem) || !EVENT_TYPES.includes(type)) return null;
  return instance ? { instance, ecosystem, type } : { ecosystem, type };
}
