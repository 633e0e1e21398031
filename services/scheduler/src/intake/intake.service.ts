// The intake: verify, parse into a typed event, route, record. Recording writes the
// event and its outbox message in one transaction; the outbox relay publishes it to
// JetStream, so accepting never waits for NATS.
import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  IntakeRepository,
  metrics,
  PackflowError,
  parseUntrustedJson,
  storableText,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type Database,
  type EventSource,
  type IntakeEvent,
  type Logger,
  type RecordOutcome,
  type ResultKind,
  type ResultOwner,
} from '@packflow/core';
import { ITEM_KINDS } from '@packflow/ecosystems';
import {
  createRouter,
  eventSubject,
  isIgnored,
  isResultEvent,
  parseMessage,
  parseTestingFarm,
  readBusMessage,
  SIDE_TAG,
  testingFarmToken,
  DEFAULT_ECOSYSTEM,
  type Ecosystem,
  type PackflowEvent,
  type ParseResult,
  type ResultEvent,
  type Router,
} from '@packflow/events';
import { CONFIG, DATABASE, LOGGER } from '@packflow/platform';
import type { SchedulerConfig } from '../scheduler.config.js';
import { RecordBatcher } from './record.batcher.js';
import {
  bearerToken,
  githubDriver,
  gitlabDriver,
  tokenMatches,
  tokenHash,
  tokenMatchesHash,
  type ForgeDriver,
} from '@packflow/forges';

export interface IntakeRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The raw body (a Buffer) for JSON requests; anything else cannot be verified. */
  body: unknown;
}

export type IntakeAnswer =
  | { status: 202; body: { event_id: string } }
  | {
      status: 200;
      body:
        | { ignored: string; event_id: string }
        | { rejected: string; event_id: string }
        | { duplicate: string; event_id: string };
    };

/** One message from the fedora-messaging consumer. */
export interface BusDelivery {
  /** The AMQP routing key: the message's topic. */
  topic: string;
  /** The AMQP `message_id`. */
  id: string | null;
  headers: Record<string, unknown>;
  /** The body: raw bytes, or already decoded by the AMQP client. */
  body: unknown;
}

/** Where an accepted event happened: by name (created when new) or by the ids of its build's pipeline. */
type Location =
  Pick<PackflowEvent, 'project' | 'ref' | 'sha'> | { ids: Pick<ResultOwner, 'projectId' | 'refId' | 'commitId'> };

const MAX_DELIVERY_ID = 200;

/**
 * Concurrent deliveries are recorded together: up to WRITERS transactions at once, each
 * with up to MAX_BATCH events (one commit for the batch; nobody waits for it to fill).
 * One writer: its statement costs PostgreSQL about 1.2 ms a batch plus 0.2 ms an event
 * (plan start-up, triggers), so the bigger batches that form while one write runs are
 * cheaper per event. bench/intake on the 2-core machine, 32 webhooks in flight: one
 * writer 1,323 and 1,375 accepted/s, PostgreSQL 0.37 ms CPU a webhook, p99 42/37 ms;
 * two writers 1,274-1,287/s, 0.42-0.44 ms, p99 46-71 ms. (Before the outbox became a
 * queue two writers measured better than one or four; the per-batch cost then hid
 * behind the relay's.)
 */
const WRITERS = 1;
const MAX_BATCH = 64;

@Injectable()
export class IntakeService implements OnModuleInit {
  private readonly router: Router;
  private readonly logger: Logger;
  private readonly recorder: RecordBatcher<IntakeEvent, RecordOutcome>;
  private readonly repository: IntakeRepository;

  constructor(
    @Inject(CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) logger: Logger,
    @Inject(DATABASE) database: Database,
  ) {
    this.logger = logger.child({ component: 'intake' });
    this.repository = new IntakeRepository(database, ITEM_KINDS);
    this.router = createRouter(config.routingRules);
    this.recorder = new RecordBatcher((events) => this.repository.recordMany(events), {
      maxBatch: MAX_BATCH,
      writers: WRITERS,
    });
  }

  onModuleInit(): void {
    const missing = [
      ['GITHUB_WEBHOOK_SECRET', this.config.githubWebhookSecret, '/webhooks/github'],
      ['GITLAB_WEBHOOK_TOKEN', this.config.gitlabWebhookToken, '/webhooks/gitlab'],
      ['MESSAGES_TOKEN', this.config.messagesToken, '/webhooks/messages'],
    ] as const;
    for (const [name, value, path] of missing) {
      if (!value) this.logger.warn(`${name} is not set: POST ${path} refuses every request (401)`);
    }
  }

  /** `POST /webhooks/github`: HMAC-SHA256 of the raw body checked before anything is parsed. */
  github(request: IntakeRequest): Promise<IntakeAnswer> {
    const secret = this.config.githubWebhookSecret;
    return counted('github', () => this.webhook(githubDriver, request, secret?.reveal(), 'GitHub'));
  }

  /** `POST /webhooks/gitlab`: `X-Gitlab-Token` checked before anything is parsed. */
  gitlab(request: IntakeRequest): Promise<IntakeAnswer> {
    const token = this.config.gitlabWebhookToken;
    return counted('gitlab', () => this.webhook(gitlabDriver, request, token?.reveal(), 'GitLab'));
  }

  /** A forge webhook: its driver verifies it, then parses it into a typed event. */
  private async webhook(
    driver: ForgeDriver,
    request: IntakeRequest,
    secret: string | undefined,
    name: string,
  ): Promise<IntakeAnswer> {
    const raw = rawBody(request);
    if (!secret) throw new UnauthorizedError(`${name} webhooks are not configured here`);
    const refused = driver.verify(secret, raw, (h) => header(request, h));
    if (refused) throw new UnauthorizedError(refused);
    const eventName = requiredHeader(request, driver.eventHeader.toLowerCase(), driver.eventHeader);
    const deliveryId = deliveryIdOf(request, driver.deliveryHeader.toLowerCase(), driver.deliveryHeader);
    return this.intake(driver.source, deliveryId, driver.parse(eventName, parseJson(raw)));
  }

  /**
   * `POST /webhooks/messages`: a fedora-messaging bridge, with a bearer token. The body is
   * a message envelope (`{topic, id, headers, body}`) or a flat message (`{topic, …}`).
   * A body that does not parse is a 400 to the bridge, which can see it.
   */
  messages(request: IntakeRequest): Promise<IntakeAnswer> {
    return counted('messages', () => this.bridgedMessage(request));
  }

  private async bridgedMessage(request: IntakeRequest): Promise<IntakeAnswer> {
    const raw = rawBody(request);
    const token = this.config.messagesToken;
    if (!token) throw new UnauthorizedError('bus messages are not configured here');
    const given = bearerToken(header(request, 'authorization'));
    if (!given) throw new UnauthorizedError('missing bearer token (Authorization: Bearer …)');
    if (!tokenMatches(token.reveal(), given)) throw new UnauthorizedError('bearer token does not match');
    const payload = parseJson(raw);
    const { topic, id } = readBusMessage(payload);
    return this.intake('messages', busDeliveryId(id, topic, raw), parseMessage(payload));
  }

  /**
   * A message from the scheduler's own fedora-messaging consumer (routing key = topic,
   * AMQP `message_id` = id). It resolves once the message is recorded, and only then is
   * the message acknowledged. Nobody can be told about a message that does not parse, so
   * it is recorded as `rejected` with the reason and its raw body, and not retried.
   */
  busMessage(delivery: BusDelivery): Promise<IntakeAnswer> {
    return counted('fedora-messaging', () => this.consumedMessage(delivery));
  }

  private async consumedMessage(delivery: BusDelivery): Promise<IntakeAnswer> {
    const raw = Buffer.isBuffer(delivery.body)
      ? delivery.body
      : Buffer.from(typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body ?? null));
    const deliveryId = busDeliveryId(delivery.id, delivery.topic, raw);
    let result: ParseResult;
    try {
      const body = Buffer.isBuffer(delivery.body) || typeof delivery.body === 'string' ? parseJson(raw) : delivery.body;
      result = parseMessage({ topic: delivery.topic, id: delivery.id, headers: delivery.headers, body });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return this.reject('messages', deliveryId, delivery.topic, error.message, {
        topic: delivery.topic,
        id: delivery.id,
        body: storableText(raw.toString('utf8')),
      });
    }
    return this.intake('messages', deliveryId, result);
  }

  /**
   * `POST /webhooks/testing-farm`: the token must be the one packflow gave that request
   * (its SHA-256 is stored with the test target). Each notification is a signal to read
   * the request's state, so every one is a delivery of its own.
   */
  testingFarm(request: IntakeRequest): Promise<IntakeAnswer> {
    return counted('testing-farm', () => this.testingFarmNotification(request));
  }

  private async testingFarmNotification(request: IntakeRequest): Promise<IntakeAnswer> {
    const payload = parseJson(rawBody(request));
    const token = testingFarmToken(payload);
    if (!token) throw new UnauthorizedError('missing token');
    const requestId = (payload as { request_id?: unknown }).request_id;
    if (typeof requestId !== 'string' || !requestId)
      throw new ValidationError('request_id: expected a string', { field: 'request_id' });
    const testRequest = await this.repository.findTestingFarmRequest(requestId, tokenHash(token));
    if (!testRequest || !tokenMatchesHash(testRequest.tokenHash, token))
      throw new UnauthorizedError('token does not match the request');
    const deliveryId = `testing-farm:${requestId}:${randomUUID()}`;
    const result = parseTestingFarm(payload);
    if (isIgnored(result))
      return this.ignore('testing-farm', deliveryId, result.type ?? 'testing_farm', result.ignored, result);
    return this.accept('testing-farm', deliveryId, result, testRequest.ecosystem, { ids: testRequest });
  }

  private async intake(source: EventSource, deliveryId: string, result: ParseResult): Promise<IntakeAnswer> {
    if (isIgnored(result)) return this.ignore(source, deliveryId, result.type ?? source, result.ignored, result);
    if (isResultEvent(result)) return this.result(source, deliveryId, result);
    // Koji tags builds into tags all day long: only side tags (where sidetag_group builds go) matter.
    if (result.type === 'koji.tag' && !SIDE_TAG.test(result.koji.tag))
      return this.ignore(source, deliveryId, result.type, `${result.koji.tag} is not a side tag`, result);
    return this.accept(source, deliveryId, result, this.ecosystemOf(result), result);
  }

  /** Which ecosystem owns a forge event: the routing rules, by instance and namespace. */
  private ecosystemOf(event: PackflowEvent): Ecosystem {
    if (event.project) return this.router.ecosystemOf(event.project);
    if (event.type === 'installation.created' || event.type === 'installation.deleted') {
      return this.router.ecosystemOf({
        instanceUrl: event.installation.instanceUrl,
        namespace: event.installation.account,
      });
    }
    return DEFAULT_ECOSYSTEM;
  }

  /** A build or test result goes to the ecosystem of the build or test; unknown ones are recorded as ignored. */
  private async result(source: EventSource, deliveryId: string, event: ResultEvent): Promise<IntakeAnswer> {
    const lookup = resultLookup(event);
    let owner = lookup ? await this.repository.findResultOwner(lookup.kind, lookup.externalId, lookup.target) : null;
    // A chroot of the SRPM's own Copr build can start before its target has recorded the
    // build id (packflow records it when the SRPM succeeds): the build is packflow's, so
    // the result goes to the worker, which retries until the target has it.
    if (!owner && lookup?.kind === 'copr_build')
      owner = await this.repository.findResultOwner('srpm_build', lookup.externalId, null);
    // A finished Koji build of a dist-git commit that packflow did not start (a maintainer's
    // `fedpkg build`) is an event of its dist-git project: its bodhi_update may follow it.
    if (!owner && event.type === 'koji.build_state_change' && event.koji.newState === 'COMPLETE' && event.project)
      return this.accept(source, deliveryId, event, this.ecosystemOf(event), event);
    if (!owner) {
      const reason = lookup
        ? `${lookup.what} ${lookup.externalId} was not started by packflow`
        : `${event.type} names no build`;
      return this.ignore(source, deliveryId, event.type, reason, event);
    }
    const where: Location = owner.projectId || !event.project ? { ids: owner } : event;
    return this.accept(source, deliveryId, event, owner.ecosystem, where);
  }

  private async accept(
    source: EventSource,
    deliveryId: string,
    event: PackflowEvent,
    ecosystem: Ecosystem,
    where: Location,
  ): Promise<IntakeAnswer> {
    const subject = eventSubject(event, ecosystem, this.config.instance);
    const outcome = await this.recorder.submit({
      source,
      type: event.type,
      deliveryId,
      actor: event.actor,
      ecosystem,
      disposition: 'accepted',
      reason: null,
      ...('ids' in where ? { ids: where.ids } : { project: where.project, ref: where.ref, sha: where.sha }),
      payload: event,
      outbox: { subject, extra: { deliveryId, ecosystem } },
    });
    const project = event.project ? `${event.project.namespace}/${event.project.repo}` : undefined;
    if (outcome.status === 'duplicate') {
      this.logger.info(
        { deliveryId, eventId: outcome.eventId, type: event.type },
        'duplicate delivery: already recorded',
      );
      return { status: 200, body: { duplicate: deliveryId, event_id: outcome.eventId } };
    }
    // Debug, not info: one line per accepted webhook cost the intake about 18% of its
    // throughput; the event row (and /api/v1) is the record of what was accepted.
    this.logger.debug(
      { deliveryId, eventId: outcome.eventId, type: event.type, ecosystem, project, subject },
      'event accepted',
    );
    return { status: 202, body: { event_id: outcome.eventId } };
  }

  /** Recorded without an outbox message: nothing acts on it (ignored) or it cannot be read (rejected). */
  private ignore(source: EventSource, deliveryId: string, type: string, reason: string, payload: unknown) {
    return this.recordUnrouted('ignored', source, deliveryId, type, reason, payload);
  }

  private reject(source: EventSource, deliveryId: string, type: string, reason: string, payload: unknown) {
    return this.recordUnrouted('rejected', source, deliveryId, type, reason, payload);
  }

  private async recordUnrouted(
    disposition: 'ignored' | 'rejected',
    source: EventSource,
    deliveryId: string,
    type: string,
    reason: string,
    payload: unknown,
  ): Promise<IntakeAnswer> {
    const outcome = await this.recorder.submit({
      source,
      type,
      deliveryId,
      actor: null,
      ecosystem: null,
      disposition,
      reason,
      payload,
      outbox: null,
    });
    if (outcome.status === 'duplicate')
      return { status: 200, body: { duplicate: deliveryId, event_id: outcome.eventId } };
    const fields = { deliveryId, eventId: outcome.eventId, type, reason };
    if (disposition === 'rejected') {
      this.logger.warn(fields, 'message rejected');
      return { status: 200, body: { rejected: reason, event_id: outcome.eventId } };
    }
    this.logger.debug(fields, 'event ignored');
    return { status: 200, body: { ignored: reason, event_id: outcome.eventId } };
  }
}

/** Where a result's build or test is recorded: item kind, external id and (Copr) chroot. */
function resultLookup(
  event: ResultEvent,
): { kind: ResultKind; externalId: string; target: string | null; what: string } | null {
  switch (event.type) {
    case 'copr.build_start':
    case 'copr.build_end':
      return event.copr.srpm
        ? { kind: 'srpm_build', externalId: event.copr.buildId, target: null, what: 'SRPM build' }
        : { kind: 'copr_build', externalId: event.copr.buildId, target: event.copr.chroot, what: 'Copr build' };
    case 'koji.task_state_change':
      return { kind: 'koji_build', externalId: event.koji.taskId, target: null, what: 'Koji task' };
    case 'koji.build_state_change':
      return event.koji.taskId
        ? { kind: 'koji_build', externalId: event.koji.taskId, target: null, what: 'Koji task' }
        : null;
    case 'testing_farm.notification':
      return { kind: 'tests', externalId: event.testingFarm.requestId, target: null, what: 'Testing Farm request' };
  }
}

function header(request: IntakeRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function requiredHeader(request: IntakeRequest, name: string, display: string): string {
  const value = header(request, name)?.trim();
  if (!value) throw new ValidationError(`missing ${display} header`, { header: display });
  return value;
}

function deliveryIdOf(request: IntakeRequest, name: string, display: string): string {
  const value = requiredHeader(request, name, display);
  if (value.length > MAX_DELIVERY_ID || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ValidationError(`${display} header: expected an id of at most ${MAX_DELIVERY_ID} visible characters`, {
      header: display,
    });
  }
  return value;
}

function rawBody(request: IntakeRequest): Buffer {
  if (request.body === undefined || request.body === null) return Buffer.alloc(0);
  if (!Buffer.isBuffer(request.body)) throw new UnsupportedMediaTypeError('send the body as application/json');
  return request.body;
}

/** A webhook or message body: JSON, with what jsonb cannot store (NUL, lone surrogates) replaced. */
function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) throw new ValidationError('body is empty: expected a JSON object');
  return parseUntrustedJson(raw.toString('utf8'), { what: 'body' });
}

/** A bus message's id, else the SHA-256 of its topic and body (the same message twice is one delivery). */
function busDeliveryId(id: string | null, topic: string, raw: Buffer): string {
  if (id && id.length <= MAX_DELIVERY_ID) return id;
  return `sha256:${createHash('sha256').update(topic).update('\0').update(raw).digest('hex')}`;
}

/**
 * Counts a delivery in `packflow_webhooks_received_total` by source and outcome: what the
 * intake answered (accepted, duplicate, ignored, rejected) or the code of its refusal.
 */
async function counted(forge: string, answer: () => Promise<IntakeAnswer>): Promise<IntakeAnswer> {
  let outcome = 'error';
  try {
    const given = await answer();
    const body = given.body;
    outcome =
      given.status === 202 ? 'accepted' : 'ignored' in body ? 'ignored' : 'rejected' in body ? 'rejected' : 'duplicate';
    return given;
  } catch (error) {
    if (error instanceof PackflowError) outcome = error.code;
    throw error;
  } finally {
    metrics.webhooksReceived.inc({ forge, outcome });
  }
}
