// A stateful fake Koji hub: XML-RPC over HTTPS at `/kojihub`, `sslLogin` at
// `/kojihub/ssllogin` for client certificates its CA signed or, behind a real Kerberos
// acceptor (a test's Apache with mod_auth_gssapi), for the principal that acceptor verified
// (the hub's REMOTE_USER, mapped to a user as user_krb_principals does), sessions in the Koji-Session-*
// headers with call numbers that must rise, `rawUpload` chunks written at their offsets
// (answering size and adler32 as the hub does) and `checkUpload`, build tasks (one per call:
// asking twice builds twice), builds, tags, side tags and tagging. Tests move tasks on with
// startTask/finishTask; the fake then sends the buildsys messages Koji would.
import { randomBytes } from 'node:crypto';
import { deliver, FakeHttpServer, type Delivery, type FakeRequest, type FakeResponse } from '@packflow/testing';
import {
  AUTH,
  checkUpload,
  EXPIRED,
  GENERIC,
  inheritanceRecords,
  KojiFault,
  listTaskRecords,
  loginIdentity,
  NOT_ALLOWED,
  now,
  nvrOf,
  SEQUENCE,
  sideTagRecords,
  splitKwargs,
  storeChunk,
  type Args,
  type FakeKojiOptions,
  type Session,
  type Tag,
} from './fake-koji.hub.js';

export type { FakeKojiOptions } from './fake-koji.hub.js';
import {
  BUILD_STATE,
  buildRecord,
  buildStateMessage,
  TASK_STATE,
  tagMessage,
  tagRecord,
  taskRecord,
  taskStateMessage,
  targetRecord,
  type FakeKojiBuild,
  type FakeKojiTask,
} from './fake-koji.messages.js';
import { decodeCall, encodeFault, encodeResponse, type XmlRpcValue } from './xmlrpc.codec.js';

export class FakeKoji extends FakeHttpServer {
  readonly tasks = new Map<number, FakeKojiTask>();
  readonly builds = new Map<number, FakeKojiBuild>();
  readonly tags = new Map<string, Tag>();
  readonly uploads = new Map<string, Buffer>();
  /** Every session opened by sslLogin, in order: its user, and its principal for a Kerberos login. */
  readonly logins: { user: string; principal: string | null }[] = [];
  /** Every message sent, with the receiver's answer. */
  readonly messagesSent: Delivery<Record<string, unknown>>[] = [];
  private readonly sessions = new Map<number, Session>();
  private readonly targets: Record<string, { buildTag: string; destTag: string }>;
  private nextTaskId: number;
  private nextBuildId = 1874000;
  private nextId = 100;

  private constructor(private readonly options: FakeKojiOptions) {
    super();
    this.nextTaskId = options.firstTaskId ?? 45270170;
    this.targets = {
      rawhide: { buildTag: 'f44-build', destTag: 'f44-updates-candidate' },
      'f41-candidate': { buildTag: 'f41-build', destTag: 'f41-updates-candidate' },
      ...options.targets,
    };
    for (const t of Object.values(this.targets)) for (const name of [t.buildTag, t.destTag]) this.addTag(name);
    for (const name of Object.values(options.inheritance ?? {}).flat()) this.addTag(name);
    this.route('POST', '/kojihub', (r) => this.xmlrpc(r, false));
    this.route('POST', '/kojihub/ssllogin', (r) => this.xmlrpc(r, true));
  }

  static async start(options: FakeKojiOptions): Promise<FakeKoji> {
    return new FakeKoji(options).listen({ tls: options.tls });
  }

  get hubUrl(): string {
    return `${this.url}/kojihub`;
  }

  protected errorBody(status: number, message: string): unknown {
    return { status, message };
  }

  setMessageTarget(url: string, token: string): void {
    this.options.messages = { url, token };
  }

  addTag(name: string, sideTagOwner: string | null = null): Tag {
    const existing = this.tags.get(name);
    if (existing) return existing;
    const tag = { id: this.nextId++, name, sideTagOwner, builds: [] };
    this.tags.set(name, tag);
    return tag;
  }

  task(id: number): FakeKojiTask {
    const task = this.tasks.get(id);
    if (!task) throw new Error(`fake Koji has no task ${id}`);
    return task;
  }

  /** Whether a build of this NVR completed (what Bodhi asks Koji: the fake Bodhi's `buildExists`). */
  hasBuild(nvr: string): boolean {
    return [...this.builds.values()].some(
      (b) => `${b.name}-${b.version}-${b.release}` === nvr && b.state === BUILD_STATE.COMPLETE,
    );
  }

  /** NVRs tagged into a tag, undefined when there is no such tag (the fake Bodhi's `tagBuilds`). */
  taggedNvrs(tag: string): string[] | undefined {
    return this.tags
      .get(tag)
      ?.builds.map((id) => this.builds.get(id)!)
      .map((b) => `${b.name}-${b.version}-${b.release}`);
  }

  /** The build tasks submitted, oldest first. */
  buildTasks(): FakeKojiTask[] {
    return [...this.tasks.values()].filter((t) => t.method === 'build');
  }

  /** A task starts (OPEN); a build task gets its srpm and arch children, a real build its BUILDING build. */
  async startTask(id: number): Promise<Delivery<Record<string, unknown>>[]> {
    const task = this.task(id);
    if (task.state !== TASK_STATE.FREE) throw new Error(`fake Koji: task ${id} is not FREE`);
    task.state = TASK_STATE.OPEN;
    task.startTime = now();
    const sent = [await this.send(taskStateMessage(this.environment, task, this.children(task), TASK_STATE.FREE))];
    if (task.method === 'build') {
      for (const [method, label] of [
        ['rebuildSRPM', 'srpm'],
        ['buildArch', 'noarch'],
      ])
        task.children.push(this.newTask(method, [], task, label).id);
      if (!this.isScratch(task)) {
        const build = this.newBuild(task);
        sent.push(await this.send(buildStateMessage(this.environment, build, task.request, null)));
      }
    }
    return sent;
  }

  /**
   * A task ends. A build asked to succeed still fails as Koji's would when its SRPM was never
   * uploaded, its target does not exist, or its NVR was built before.
   */
  async finishTask(
    id: number,
    outcome: 'CLOSED' | 'FAILED' | 'CANCELED',
  ): Promise<Delivery<Record<string, unknown>>[]> {
    const task = this.task(id);
    // A FREE task is started first, unless it is cancelled (Koji cancels it where it is).
    if (task.state === TASK_STATE.FREE && outcome !== 'CANCELED') await this.startTask(id);
    const oldState = task.state;
    if (oldState !== TASK_STATE.OPEN && oldState !== TASK_STATE.FREE)
      throw new Error(`fake Koji: task ${id} already ended`);
    let state = TASK_STATE[outcome];
    let result: XmlRpcValue = null;
    const build = [...this.builds.values()].find((b) => b.taskId === id);
    if (state === TASK_STATE.CLOSED && task.method === 'build') {
      const problem = this.buildProblem(task);
      if (problem) {
        state = TASK_STATE.FAILED;
        result = { faultCode: GENERIC, faultString: problem };
      }
    }
    for (const childId of task.children) {
      const child = this.task(childId);
      Object.assign(child, { state, completionTime: now(), startTime: child.startTime ?? now() });
    }
    Object.assign(task, { state, completionTime: now(), result });
    const sent = [await this.send(taskStateMessage(this.environment, task, this.children(task), oldState))];
    if (build) {
      build.state =
        state === TASK_STATE.CLOSED
          ? BUILD_STATE.COMPLETE
          : state === TASK_STATE.CANCELED
            ? BUILD_STATE.CANCELED
            : BUILD_STATE.FAILED;
      build.completionTime = now();
      sent.push(await this.send(buildStateMessage(this.environment, build, task.request, BUILD_STATE.BUILDING)));
      // The build task's last step tags the build into its target's destination tag.
      if (build.state === BUILD_STATE.COMPLETE)
        sent.push(await this.tagInto(this.targets[String(task.request[1])].destTag, build, task.ownerName));
    }
    if (state === TASK_STATE.CLOSED && task.method === 'tagBuild') sent.push(...(await this.tagNow(task)));
    return sent;
  }

  private get environment(): string {
    return this.options.environment ?? 'prod';
  }

  private children(task: FakeKojiTask): FakeKojiTask[] {
    return task.children.map((c) => this.task(c));
  }

  private isScratch(task: FakeKojiTask): boolean {
    const opts = task.request[2];
    return Boolean(
      opts && typeof opts === 'object' && !Array.isArray(opts) && (opts as Record<string, unknown>).scratch,
    );
  }

  private buildProblem(task: FakeKojiTask): string | undefined {
    const [src, target] = task.request as [string, string];
    if (!this.targets[target]) return `No such build target: ${target}`;
    if (!src.startsWith('git+') && !this.uploads.has(src)) return `No such file: work/${src}`;
    if (this.isScratch(task)) return undefined;
    const nvr = nvrOf(src, this.targets[target]?.buildTag);
    const done = [...this.builds.values()].find(
      (b) =>
        b.taskId !== task.id &&
        `${b.name}-${b.version}-${b.release}` === `${nvr.name}-${nvr.version}-${nvr.release}` &&
        b.state === BUILD_STATE.COMPLETE,
    );
    return done
      ? `Build already exists (id=${done.id}, state=COMPLETE): ${nvr.name}-${nvr.version}-${nvr.release}`
      : undefined;
  }

  private newTask(
    method: string,
    request: XmlRpcValue[],
    parent: FakeKojiTask | null,
    label: string | null,
    owner?: Session,
  ): FakeKojiTask {
    const task: FakeKojiTask = {
      id: this.nextTaskId++,
      method,
      state: TASK_STATE.FREE,
      parent: parent?.id ?? null,
      owner: owner?.userId ?? parent?.owner ?? 0,
      ownerName: owner?.user ?? parent?.ownerName ?? '',
      arch: 'noarch',
      label,
      request,
      createTime: now(),
      startTime: null,
      completionTime: null,
      result: null,
      children: [],
    };
    this.tasks.set(task.id, task);
    return task;
  }

  private newBuild(task: FakeKojiTask): FakeKojiBuild {
    const src = String(task.request[0]);
    const build: FakeKojiBuild = {
      id: this.nextBuildId++,
      ...nvrOf(src, this.targets[String(task.request[1])]?.buildTag),
      state: BUILD_STATE.BUILDING,
      taskId: task.id,
      ownerName: task.ownerName,
      ownerId: task.owner,
      source: src,
      createTime: now(),
      completionTime: null,
    };
    this.builds.set(build.id, build);
    return build;
  }

  private async tagNow(task: FakeKojiTask): Promise<Delivery<Record<string, unknown>>[]> {
    const [tagName, buildRef] = task.request as [string, number | string];
    const build = this.findBuild(buildRef);
    const tag = this.tags.get(tagName);
    if (!build || !tag || tag.builds.includes(build.id)) return [];
    return [await this.tagInto(tagName, build, task.ownerName)];
  }

  /** Tags a build and says so on the bus (`buildsys.tag`). */
  private async tagInto(name: string, build: FakeKojiBuild, user: string): Promise<Delivery<Record<string, unknown>>> {
    const tag = this.tags.get(name)!;
    tag.builds.push(build.id);
    return this.send(tagMessage(this.environment, tag, build, user));
  }

  private findBuild(ref: XmlRpcValue): FakeKojiBuild | undefined {
    if (typeof ref === 'number') return this.builds.get(ref);
    return [...this.builds.values()].find((b) => `${b.name}-${b.version}-${b.release}` === ref);
  }

  private async send(message: Record<string, unknown>): Promise<Delivery<Record<string, unknown>>> {
    await this.options.onMessage?.(message);
    const target = this.options.messages;
    const delivery = await deliver(target?.url, message, target ? { authorization: `Bearer ${target.token}` } : {});
    this.messagesSent.push(delivery);
    return delivery;
  }

  // ---- XML-RPC ----

  private async xmlrpc(request: FakeRequest, sslLogin: boolean): Promise<FakeResponse> {
    try {
      const session = this.session(request);
      if (sslLogin) return this.answer(this.sslLogin(request));
      if (request.query.has('filename')) return this.answer(this.rawUpload(request, session));
      const { method, params } = decodeCall(request.rawBody);
      return this.answer(await this.method(method, splitKwargs(params), session));
    } catch (error) {
      if (error instanceof KojiFault) return this.fault({ faultCode: error.faultCode, faultString: error.faultString });
      if (error instanceof SyntaxError)
        return this.fault({ faultCode: 1, faultString: `<class 'xml.parsers.expat.ExpatError'>: ${error.message}` });
      throw error;
    }
  }

  private answer(value: XmlRpcValue): FakeResponse {
    return { status: 200, text: encodeResponse(value), contentType: 'text/xml' };
  }

  private fault(fault: { faultCode: number; faultString: string }): FakeResponse {
    return { status: 200, text: encodeFault(fault), contentType: 'text/xml' };
  }

  /** The session of the Koji-Session-* headers; a call number not above the last is refused. */
  private session(request: FakeRequest): Session | undefined {
    const id = request.headers['koji-session-id'];
    if (id === undefined) return undefined;
    const session = this.sessions.get(Number(id));
    if (!session || session.key !== request.headers['koji-session-key'])
      throw new KojiFault(AUTH, 'koji.AuthError: Invalid session or bad credentials');
    if (session.expired) throw new KojiFault(EXPIRED, `koji.AuthExpired: session ${session.id} expired`);
    const callnum = Number(request.headers['koji-session-callnum']);
    if (session.lastCallnum !== null && !(callnum > session.lastCallnum))
      throw new KojiFault(
        SEQUENCE,
        `koji.SequenceError: session ${session.id}: invalid callnum: ${callnum} <= ${session.lastCallnum}`,
      );
    session.lastCallnum = callnum;
    return session;
  }

  private sslLogin(request: FakeRequest): XmlRpcValue {
    const users = this.options.users ?? ['packit'];
    const { user, principal } = loginIdentity(request, users, this.options.kerberos);
    const session: Session = {
      id: this.nextId++,
      key: `${this.nextId}-${randomBytes(12).toString('hex')}`,
      user,
      principal,
      userId: 4641 + users.indexOf(user),
      lastCallnum: null,
      expired: false,
    };
    this.sessions.set(session.id, session);
    this.logins.push({ user, principal });
    return { 'session-id': session.id, 'session-key': session.key, 'header-auth': true };
  }

  /** Ends every session as the hub's expiry does: their next call answers AuthExpired. */
  expireSessions(): void {
    for (const s of this.sessions.values()) s.expired = true;
  }

  private rawUpload(request: FakeRequest, session: Session | undefined): XmlRpcValue {
    if (!session) throw new KojiFault(NOT_ALLOWED, 'koji.ActionNotAllowed: you must be logged-in to upload a file');
    return storeChunk(this.uploads, request.query, request.rawBytes);
  }

  private async method(method: string, { args, kwargs }: Args, session: Session | undefined): Promise<XmlRpcValue> {
    const login = () => {
      if (!session) throw new KojiFault(AUTH, 'koji.AuthError: Not logged in');
      return session;
    };
    const tag = (name: XmlRpcValue) => {
      const found =
        typeof name === 'number' ? [...this.tags.values()].find((t) => t.id === name) : this.tags.get(String(name));
      if (!found) throw new KojiFault(GENERIC, `koji.GenericError: No such tagInfo: '${String(name)}'`);
      return found;
    };
    switch (method) {
      case 'checkUpload':
        return checkUpload(this.uploads, `${String(args[0])}/${String(args[1])}`, kwargs.verify ?? args[2]);
      case 'build': {
        const owner = login();
        const [src, target, opts] = args;
        if (typeof src !== 'string') throw new KojiFault(1019, 'koji.ParameterError: Invalid type for value');
        return this.newTask('build', [src, target ?? null, opts ?? {}], null, null, owner).id;
      }
      case 'getTaskInfo': {
        const task = this.tasks.get(Number(args[0]));
        return task ? taskRecord(task, Boolean(kwargs.request ?? args[1])) : null;
      }
      case 'getLoggedInUser':
        return session ? { id: session.userId, name: session.user, status: 0, usertype: 0 } : null;
      case 'listTasks':
        return listTaskRecords(this.tasks.values(), args[0], args[1]);
      case 'cancelTask': {
        const owner = login();
        const task = this.task(Number(args[0]));
        if (task.owner !== owner.userId)
          throw new KojiFault(NOT_ALLOWED, 'koji.ActionNotAllowed: Cannot cancel task, not owner');
        if (task.state === TASK_STATE.FREE || task.state === TASK_STATE.OPEN)
          await this.finishTask(task.id, 'CANCELED');
        return null;
      }
      case 'getTaskChildren':
        return this.children(this.task(Number(args[0]))).map((t) => taskRecord(t, Boolean(kwargs.request ?? args[1])));
      case 'getBuild': {
        const build = this.findBuild(args[0]);
        return build ? buildRecord(build) : null;
      }
      case 'listBuilds': {
        const taskId = kwargs.taskID;
        return [...this.builds.values()]
          .filter((b) => taskId === undefined || taskId === null || b.taskId === Number(taskId))
          .map(buildRecord);
      }
      case 'listTagged': {
        const t = tag(args[0]);
        let builds = t.builds
          .map((id) => this.builds.get(id)!)
          .filter((b) => !kwargs.package || b.name === kwargs.package);
        if (kwargs.latest) builds = [...new Map(builds.map((b) => [b.name, b])).values()];
        return builds.map((b) => ({ ...buildRecord(b), tag_name: t.name, tag_id: t.id }));
      }
      case 'tagBuild': {
        const owner = login();
        tag(args[0]);
        if (!this.findBuild(args[1]))
          throw new KojiFault(GENERIC, `koji.GenericError: No such build: '${String(args[1])}'`);
        return this.newTask('tagBuild', [args[0], args[1]], null, null, owner).id;
      }
      case 'getTag':
        return tagRecord(this.tags.get(String(args[0])));
      case 'getFullInheritance':
        return inheritanceRecords(
          tag(args[0]),
          (name) => this.options.inheritance?.[name] ?? [],
          (name) => tag(name),
        );
      case 'getBuildTarget':
        return targetRecord(String(args[0]), this.targets[String(args[0])], (name) => this.tags.get(name)!.id);
      case 'createSideTag': {
        const owner = login();
        const base = tag(args[0]);
        const side = this.addTag(`${base.name}-side-${this.nextId}`, owner.user);
        side.base = base.name;
        this.targets[side.name] = { buildTag: side.name, destTag: side.name };
        return { name: side.name, id: side.id, task_id: null, request: null };
      }
      case 'listSideTags': {
        return sideTagRecords(this.tags.values(), kwargs.basetag ?? args[0], kwargs.user ?? args[1]);
      }
      case 'removeSideTag': {
        const owner = login();
        const side = tag(args[0]);
        if (!side.sideTagOwner) throw new KojiFault(GENERIC, `koji.GenericError: Not a sidetag: ${side.name}`);
        if (side.sideTagOwner !== owner.user)
          throw new KojiFault(NOT_ALLOWED, `koji.ActionNotAllowed: This is not your sidetag`);
        this.tags.delete(side.name);
        delete this.targets[side.name];
        return null;
      }
      default:
        throw new KojiFault(GENERIC, `koji.GenericError: Invalid method: ${method}`);
    }
  }
}
