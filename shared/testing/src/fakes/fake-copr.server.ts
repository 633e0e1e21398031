// A stateful fake of Copr's REST API v3 (`/api_3/…`): projects with chroots, builds from a
// custom script (SRPM in `srpm-builds`, then the chroots) or from an SRPM URL, per-chroot
// states, cancel. Tests move builds on with startBuild/finishBuild; the fake then sends
// the fedora-messaging message Copr's backend would (`org.fedoraproject.prod.copr.build.
// start`/`.end`, the fields of the real ones) to `<scheduler>/webhooks/messages` with a
// bearer token, as packflow's message bridge does. With `autoRun`, builds move on by
// themselves after a delay, as in the real Copr (the sandbox of `pnpm start`). Each chroot
// writes a log, served at the result URL Copr gives (`…/builder-live.log.gz`), and each
// build has its web page. Requests are refused as Copr's forms refuse them
// (fake-copr.forms.ts); answers are shaped in fake-copr.bodies.ts.
import { deliver, FakeHttpServer, type Delivery, type FakeRequest, type FakeResponse } from './fake-http.server.js';
import {
  buildBody,
  buildPage,
  buildState,
  nameVersion,
  now,
  projectBody,
  resultDir,
  sourceBuildConfig,
  strings,
} from './fake-copr.bodies.js';
import { badParameters, customBuildErrors, unexpectedChroots, urlBuildErrors } from './fake-copr.forms.js';

import {
  FINISHED,
  SRPM_BUILDS,
  STATUS_CODES,
  type CoprAutoRun,
  type CoprMessage,
  type FakeCoprBuild,
  type FakeCoprChroot,
  type FakeCoprOptions,
  type FakeCoprProject,
  type FakeCoprState,
} from './fake-copr.types.js';

export { SRPM_BUILDS } from './fake-copr.types.js';
export type {
  CoprAutoRun,
  CoprMessage,
  FakeCoprBuild,
  FakeCoprChroot,
  FakeCoprOptions,
  FakeCoprProject,
  FakeCoprState,
} from './fake-copr.types.js';

export class FakeCopr extends FakeHttpServer {
  readonly projects = new Map<string, FakeCoprProject>();
  readonly builds = new Map<number, FakeCoprBuild>();
  /** Every message sent, with the receiver's answer. */
  readonly messagesSent: Delivery<CoprMessage>[] = [];
  private nextBuildId: number;
  private nextProjectId = 1;
  private nextPid = 21000;

  private constructor(private readonly options: FakeCoprOptions) {
    super();
    this.nextBuildId = options.firstBuildId ?? 1_000_001;
    this.routes();
  }

  static async start(options: FakeCoprOptions = {}): Promise<FakeCopr> {
    return new FakeCopr(options).listen();
  }

  get login(): string {
    return this.options.login ?? 'packflow';
  }

  get token(): string {
    return this.options.token ?? 'copr-api-token';
  }

  /** Sends later messages to this receiver. */
  setMessageTarget(url: string, token: string): void {
    this.options.messages = { url, token };
  }

  project(owner: string, name: string): FakeCoprProject | undefined {
    return this.projects.get(`${owner}/${name}`);
  }

  build(buildId: number | string): FakeCoprBuild {
    const build = this.builds.get(Number(buildId));
    if (!build) throw new Error(`fake Copr has no build ${buildId}`);
    return build;
  }

  /** A chroot (or `srpm-builds`) starts running; sends `copr.build.start`. */
  async startBuild(buildId: number | string, chroot: string): Promise<Delivery<CoprMessage>> {
    const build = this.build(buildId);
    const target = this.chroot(build, chroot);
    if (FINISHED.has(target.state)) throw new Error(`fake Copr: ${chroot} of build ${buildId} already ${target.state}`);
    if (target.state === 'running') throw new Error(`fake Copr: ${chroot} of build ${buildId} is already running`);
    if (chroot !== SRPM_BUILDS && build.source.state !== 'succeeded') {
      throw new Error(
        `fake Copr: ${chroot} of build ${buildId} cannot start before its SRPM is built (srpm-builds is ${build.source.state})`,
      );
    }
    target.state = 'running';
    target.startedOn = now();
    this.log(build, chroot, `Build ${build.id} of ${build.owner}/${build.project} started in ${chroot}`);
    this.log(
      build,
      chroot,
      chroot === SRPM_BUILDS ? `Running the custom script (${build.method} build)` : 'Running mock --rebuild',
    );
    return this.send(build, chroot, 'start', 'running');
  }

  /**
   * A chroot (or `srpm-builds`) ends; sends `copr.build.end` with status 1 or 0 (after a
   * `copr.build.start` when it was not started, as Copr always sends both).
   */
  async finishBuild(
    buildId: number | string,
    chroot: string,
    result: 'succeeded' | 'failed',
  ): Promise<Delivery<CoprMessage>> {
    const build = this.build(buildId);
    const target = this.chroot(build, chroot);
    if (FINISHED.has(target.state)) throw new Error(`fake Copr: ${chroot} of build ${buildId} already ${target.state}`);
    if (target.state !== 'running') await this.startBuild(buildId, chroot);
    target.state = result;
    target.endedOn = now();
    if (result === 'failed') this.log(build, chroot, 'error: Bad exit status from mock build (exit 1)');
    this.log(build, chroot, `Finished: ${result}`);
    if (chroot === SRPM_BUILDS) {
      if (result === 'succeeded') {
        const pkg = this.srpmPackage(build);
        build.sourcePackage = {
          ...pkg,
          url: `${resultDir(this.resultsBase, build, SRPM_BUILDS)}${pkg.name}-${pkg.version}.src.rpm`,
        };
        for (const c of build.chroots.values()) if (c.state === 'waiting') c.state = 'pending';
      } else {
        // Without an SRPM nothing can be built; Copr sends no messages for those chroots.
        for (const c of build.chroots.values())
          if (!FINISHED.has(c.state)) Object.assign(c, { state: 'failed', endedOn: now() });
      }
    }
    return this.send(build, chroot, 'end', result);
  }

  /** Copr's build state, from its source build and chroots. */
  buildState(build: FakeCoprBuild): FakeCoprState {
    return buildState(build);
  }

  /** Whether a project exists here: one of ours, or another owner's the options name. */
  private projectExists(owner: string, name: string): boolean {
    return this.projects.has(`${owner}/${name}`) || this.otherProjects.includes(`${owner}/${name}`);
  }

  private get otherProjects(): readonly string[] {
    return this.options.otherProjects ?? ['packit/packit-stable', 'packit/packit-dev'];
  }

  private get resultsBase(): string {
    return (this.options.resultsUrl ?? `${this.url}/results`).replace(/\/+$/, '');
  }

  /**
   * The package the SRPM build makes: the one the script asks packit for
   * (`prepare-sources -p <package>`, a monorepo's package), else the configured one.
   */
  private srpmPackage(build: FakeCoprBuild): { name: string; version: string } {
    const pkg = this.options.package ?? { name: 'hello', version: '1.0-1' };
    const asked = /(?:^|\s)-p\s+'?([-+_.a-zA-Z0-9]+)'?/m.exec(String(build.request.script ?? ''));
    return asked ? { ...pkg, name: asked[1] } : pkg;
  }

  protected errorBody(_status: number, message: string): unknown {
    return { error: message };
  }

  private routes(): void {
    this.route('GET', '/api_3/project', (r) => {
      const project = this.project(r.query.get('ownername') ?? '', r.query.get('projectname') ?? '');
      return project
        ? this.json(200, projectBody(project, this.resultsBase))
        : this.error(404, `Project ${r.query.get('ownername')}/${r.query.get('projectname')} does not exist.`);
    });
    this.route('POST', '/api_3/project/add/:owner', (r) => this.authorized(r) ?? this.addProject(r));
    this.route('PUT', '/api_3/project/edit/:owner/:project', (r) => this.authorized(r) ?? this.editProject(r));
    this.route('POST', '/api_3/build/create/custom', (r) => this.authorized(r) ?? this.createBuild(r, 'custom'));
    this.route('POST', '/api_3/build/create/url', (r) => this.authorized(r) ?? this.createBuild(r, 'url'));
    // Registered before `build/:id`: Copr's build routes take integer ids only.
    this.route('GET', '/api_3/build/list', (r) => this.listBuilds(r));
    this.route('GET', '/api_3/build/source-build-config/:id', (r) =>
      this.withBuild(r.params.id, (b) => this.json(200, sourceBuildConfig(b))),
    );
    this.route('GET', '/api_3/build/:id', (r) =>
      this.withBuild(r.params.id, (b) => this.json(200, buildBody(b, this.resultsBase))),
    );
    this.route('GET', '/api_3/build/source-chroot/:id', (r) =>
      this.withBuild(r.params.id, (b) =>
        this.json(200, { state: b.source.state, result_url: resultDir(this.resultsBase, b, SRPM_BUILDS) }),
      ),
    );
    this.route('GET', '/api_3/build-chroot', (r) =>
      this.buildChroot(r.query.get('build_id') ?? '', r.query.get('chrootname') ?? ''),
    );
    this.route('GET', '/api_3/build-chroot/:id/:chroot', (r) => this.buildChroot(r.params.id, r.params.chroot));
    this.route('GET', '/results/*path', (r) => this.resultFile(r.params.path));
    this.route('GET', '/coprs/build/:id', (r) => this.withBuild(r.params.id, (b) => this.page(b)));
    this.route('GET', '/coprs/:owner/:project/build/:id', (r) => this.withBuild(r.params.id, (b) => this.page(b)));
    this.route(
      'PUT',
      '/api_3/build/cancel/:id',
      (r) => this.authorized(r) ?? this.withBuild(r.params.id, (b) => this.cancel(b)),
    );
  }

  /** An error answer when the basic credentials are not the configured ones. */
  private authorized(r: FakeRequest): FakeResponse | undefined {
    const header = String(r.headers.authorization ?? '');
    const expected = `Basic ${Buffer.from(`${this.login}:${this.token}`).toString('base64')}`;
    if (header === expected) return undefined;
    return this.error(
      401,
      'Login invalid/expired. Please visit https://copr.fedorainfracloud.org/api to get or renew your API token.',
    );
  }

  private addProject(r: FakeRequest): FakeResponse {
    const body = (r.body ?? {}) as Record<string, unknown>;
    const owner = r.params.owner;
    const name = String(body.name ?? '');
    if (!name) return this.error(400, "Bad request parameters: {'name': ['This field is required.']}");
    if (this.project(owner, name)) return this.error(400, `You already have a project named '${name}'.`);
    const chroots = strings(body.chroots);
    if (chroots.length === 0) return this.error(400, 'At least one chroot must be selected');
    const unexpected = unexpectedChroots(chroots, this.options.mockChroots);
    if (unexpected) return this.error(400, unexpected);
    const project: FakeCoprProject = {
      id: this.nextProjectId++,
      owner,
      name,
      chroots,
      description: (body.description as string) ?? null,
      instructions: (body.instructions as string) ?? null,
      unlistedOnHp: Boolean(body.unlisted_on_hp),
      enableNet: body.enable_net === undefined ? true : Boolean(body.enable_net),
      deleteAfterDays: typeof body.delete_after_days === 'number' ? body.delete_after_days : null,
      forgeProjectsAllowed: strings(body.packit_forge_projects_allowed),
      edits: [body],
    };
    this.projects.set(`${owner}/${name}`, project);
    return this.json(200, projectBody(project, this.resultsBase));
  }

  private editProject(r: FakeRequest): FakeResponse {
    const project = this.project(r.params.owner, r.params.project);
    if (!project) return this.error(404, `Project ${r.params.owner}/${r.params.project} does not exist.`);
    const body = (r.body ?? {}) as Record<string, unknown>;
    const unexpected = unexpectedChroots(strings(body.chroots), this.options.mockChroots);
    if (unexpected) return this.error(400, unexpected);
    if (Array.isArray(body.chroots) && body.chroots.length) project.chroots = strings(body.chroots);
    if (Array.isArray(body.packit_forge_projects_allowed))
      project.forgeProjectsAllowed = strings(body.packit_forge_projects_allowed);
    if (typeof body.description === 'string') project.description = body.description;
    project.edits.push(body);
    return this.json(200, projectBody(project, this.resultsBase));
  }

  private createBuild(r: FakeRequest, method: 'custom' | 'url'): FakeResponse {
    const body = (r.body ?? {}) as Record<string, unknown>;
    // Copr reads both names straight from the JSON body: without them it fails (a KeyError).
    if (typeof body.ownername !== 'string' || typeof body.projectname !== 'string')
      return this.error(500, "Request wasn't successful, there is probably a bug in the Copr code.");
    const owner = body.ownername;
    const projectName = body.projectname;
    const project = this.project(owner, projectName);
    if (!project) return this.error(404, `Project ${owner}/${projectName} does not exist.`);
    const context = {
      projectChroots: project.chroots,
      mockChroots: this.options.mockChroots,
      projectExists: (o: string, p: string) => this.projectExists(o, p),
    };
    const errors = method === 'custom' ? customBuildErrors(body, context) : urlBuildErrors(body, context);
    if (Object.keys(errors).length) return this.error(400, badParameters(errors));
    const requested = Array.isArray(body.chroots) ? strings(body.chroots) : project.chroots;
    const urls =
      method === 'url'
        ? Array.isArray(body.pkgs)
          ? strings(body.pkgs)
          : String(body.pkgs).split(/\s+/).filter(Boolean)
        : [];
    const builds = (method === 'url' ? urls : [null]).map((url) => {
      const build: FakeCoprBuild = {
        id: this.nextBuildId++,
        owner,
        project: projectName,
        method,
        request: body,
        submitter: this.login,
        submittedOn: now(),
        source: url
          ? { state: 'succeeded', startedOn: now(), endedOn: now() }
          : { state: 'pending', startedOn: null, endedOn: null },
        sourcePackage: url ? { ...nameVersion(url), url } : { name: null, version: null, url: null },
        chroots: new Map(
          requested.map((c) => [c, { state: url ? 'pending' : 'waiting', startedOn: null, endedOn: null }]),
        ),
        canceled: false,
        logs: new Map(),
        sourceUrl: url,
      };
      this.builds.set(build.id, build);
      if (this.options.autoRun) this.autoRun(build, this.options.autoRun);
      return build;
    });
    if (method === 'url') return this.json(200, { items: builds.map((b) => buildBody(b, this.resultsBase)), meta: {} });
    return this.json(200, buildBody(builds[0], this.resultsBase));
  }

  /** Builds of a project, newest first as Copr orders them by default (id descending), `limit` honoured. */
  private listBuilds(r: FakeRequest): FakeResponse {
    const owner = r.query.get('ownername');
    const name = r.query.get('projectname');
    if (!owner || !name) return this.error(400, `Missing argument ${owner ? 'projectname' : 'ownername'}`);
    if (!this.project(owner, name)) return this.error(404, `Project ${owner}/${name} does not exist.`);
    const limit = Number(r.query.get('limit') ?? 0) || undefined;
    const offset = Number(r.query.get('offset') ?? 0) || 0;
    const pkg = r.query.get('packagename');
    const items = [...this.builds.values()]
      .filter((b) => b.owner === owner && b.project === name && (!pkg || b.sourcePackage.name === pkg))
      .sort((a, b) => b.id - a.id)
      .slice(offset, limit ? offset + limit : undefined)
      .map((b) => buildBody(b, this.resultsBase));
    return this.json(200, { items, meta: { limit: limit ?? null, offset, order: 'id', order_type: 'DESC' } });
  }

  private buildChroot(id: string, chroot: string): FakeResponse {
    return this.withBuild(id, (b) => {
      const c = chroot === SRPM_BUILDS ? b.source : b.chroots.get(chroot);
      if (!c) return this.error(404, `Build chroot ${chroot} of build ${id} does not exist.`);
      return this.json(200, {
        name: chroot,
        started_on: c.startedOn,
        ended_on: c.endedOn,
        result_url: resultDir(this.resultsBase, b, chroot),
        state: c.state,
      });
    });
  }

  private cancel(build: FakeCoprBuild): FakeResponse {
    const state = this.buildState(build);
    if (FINISHED.has(state)) return this.error(400, `Cannot cancel build ${build.id}: it is ${state}`);
    build.canceled = true;
    for (const c of [build.source, ...build.chroots.values()])
      if (!FINISHED.has(c.state)) Object.assign(c, { state: 'canceled', endedOn: now() });
    return this.json(200, buildBody(build, this.resultsBase));
  }

  /** Moves the build on by itself: the SRPM (custom builds), then its chroots side by side. */
  private autoRun(build: FakeCoprBuild, run: CoprAutoRun): void {
    const stage = (chroot: string, delayMs: number, then?: () => void) =>
      this.later(delayMs, async () => {
        if (FINISHED.has(this.chroot(build, chroot).state)) return;
        await this.startBuild(build.id, chroot);
        this.later(run.stepMs, async () => {
          if (FINISHED.has(this.chroot(build, chroot).state)) return;
          await this.finishBuild(build.id, chroot, run.result?.(build, chroot) ?? 'succeeded');
          then?.();
        });
      });
    // A build waits in the queue before it starts, as in Copr: the client has its id by then.
    const chroots = () => [...build.chroots.keys()].forEach((c, i) => stage(c, run.stepMs / 2 + 150 * i));
    if (build.source.state === 'succeeded') chroots();
    else stage(SRPM_BUILDS, run.stepMs, () => build.source.state === 'succeeded' && chroots());
  }

  private log(build: FakeCoprBuild, chroot: string, line: string): void {
    const lines = build.logs.get(chroot) ?? [];
    lines.push(`${new Date().toISOString()} ${line}`);
    build.logs.set(chroot, lines);
  }

  /** `<results>/<owner>/<project>/<chroot>/<00000042[-name]>/builder-live.log[.gz]`, or that directory. */
  private resultFile(path: string): FakeResponse {
    const [owner, project, chroot, dir, file] = path.split('/');
    const build = this.builds.get(parseInt(dir ?? '', 10));
    if (!build || build.owner !== owner || build.project !== project || !this.hasChroot(build, chroot))
      return this.error(404, 'Not Found');
    if (!file) return { status: 200, text: `builder-live.log.gz\n`, contentType: 'text/plain; charset=utf-8' };
    if (file !== 'builder-live.log.gz' && file !== 'builder-live.log') return this.error(404, 'Not Found');
    return { status: 200, text: `${(build.logs.get(chroot) ?? []).join('\n')}\n` };
  }

  private hasChroot(build: FakeCoprBuild, chroot: string | undefined): boolean {
    return chroot === SRPM_BUILDS || (chroot !== undefined && build.chroots.has(chroot));
  }

  private page(b: FakeCoprBuild): FakeResponse {
    return buildPage(b, (chroot) => resultDir(this.resultsBase, b, chroot));
  }

  private withBuild(id: string, fn: (build: FakeCoprBuild) => FakeResponse): FakeResponse {
    const build = this.builds.get(Number(id));
    return build ? fn(build) : this.error(404, `Build ${id} does not exist.`);
  }

  private chroot(build: FakeCoprBuild, chroot: string): FakeCoprChroot {
    const target = chroot === SRPM_BUILDS ? build.source : build.chroots.get(chroot);
    if (!target) throw new Error(`fake Copr: build ${build.id} has no chroot ${chroot}`);
    return target;
  }

  private async send(
    build: FakeCoprBuild,
    chroot: string,
    event: 'start' | 'end',
    state: FakeCoprState,
  ): Promise<Delivery<CoprMessage>> {
    const pid = this.nextPid++;
    const ip = '2620:52:3:1:dead:beef:cafe:c195';
    const srpm = chroot === SRPM_BUILDS;
    const pkg = build.sourcePackage.name ?? null;
    const version = srpm && event === 'start' ? null : (build.sourcePackage.version ?? null);
    const what =
      event === 'start'
        ? `build start: user:${build.submitter} copr:${build.project} pkg:${pkg ?? 'None'} build:${build.id} ip:${ip} pid:${pid}`
        : `build end: user:${build.submitter} copr:${build.project} build:${build.id} pkg:${pkg ?? 'None'} version:${version ?? 'None'} ip:${ip} pid:${pid} status:${STATUS_CODES[state]}`;
    const message: CoprMessage = {
      topic: `org.fedoraproject.${this.options.environment ?? 'prod'}.copr.build.${event}`,
      status: STATUS_CODES[state],
      what,
      chroot,
      ip,
      user: build.submitter,
      who: `backend.worker-rpm_build_worker:${build.id}-${chroot}`,
      pid,
      copr: build.project,
      version,
      build: build.id,
      owner: build.owner,
      pkg,
    };
    const target = this.options.messages;
    const delivery = await deliver(target?.url, message, target ? { authorization: `Bearer ${target.token}` } : {});
    this.messagesSent.push(delivery);
    return delivery;
  }
}
