// KojiClient's keytab login for real: a Kerberos realm of the test's own (MIT krb5kdc), the
// fake hub behind Apache with mod_auth_gssapi (the acceptor checks the SPNEGO ticket and
// passes the principal on as REMOTE_USER), the client getting its ticket with kinit into a
// cache of its own and calling sslLogin with curl --negotiate. Builds are made as the
// principal's user, an expired session is opened again by keytab, and every refusal
// (keytab without the principal's keys, a principal Koji does not know, an acceptor that
// answers 401, a principal claimed without the acceptor) says what and where.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, ExternalServiceError } from '@packflow/base';
import {
  createTestCertificates,
  startGssapiProxy,
  startKdc,
  type GssapiProxy,
  type TestCertificates,
  type TestKdc,
} from '@packflow/testing';
import { FakeKoji } from '../testing.js';
import { KojiClient, KojiFaultError, tlsPost } from '../index.js';
import { encodeCall } from './xmlrpc.codec.js';

let pki: TestCertificates;
let kdc: TestKdc;
let koji: FakeKoji;
let proxy: GssapiProxy;
let keytabs: { packit: string; stranger: string };
let home: string;
const saved = { KRB5_CONFIG: process.env.KRB5_CONFIG, KRB5CCNAME: process.env.KRB5CCNAME, TMPDIR: process.env.TMPDIR };

const SOURCE = 'git+https://src.fedoraproject.org/rpms/hello.git#0123456789abcdef';

function clientFor(principal: string, keytabPath: string, hubUrl = `${proxy.url}/kojihub`): KojiClient {
  return new KojiClient({
    hubUrl,
    auth: { kind: 'keytab', principal: kdc.principal(principal), keytabPath },
    serverCaPath: pki.caPath,
  });
}

/** The error a call ends with (undefined when it ends well). */
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => undefined,
    (e: unknown) => e as Error & { retryable?: boolean },
  );

beforeAll(async () => {
  pki = createTestCertificates();
  kdc = await startKdc();
  keytabs = {
    packit: await kdc.keytab('packit.keytab', 'packit'),
    stranger: await kdc.keytab('stranger.keytab', 'stranger'),
  };
  const proxyToken = randomBytes(16).toString('hex');
  koji = await FakeKoji.start({
    tls: { ...pki.server, clientCa: pki.ca },
    users: ['packit'],
    kerberos: { proxyToken, principals: { [kdc.principal('packit')]: 'packit' } },
  });
  proxy = await startGssapiProxy({
    kdc,
    keytabPath: await kdc.keytab('http.keytab', 'HTTP/localhost'),
    tls: pki.server,
    backend: koji.url,
    backendCaPath: pki.caPath,
    prefix: '/kojihub',
    loginPath: '/kojihub/ssllogin',
    proxyToken,
  });
  // The client's kinit and curl read the realm from KRB5_CONFIG, as a deployment's would;
  // the default ticket cache and the temp directory (where a login's own cache goes) point
  // where the test can see what is left behind.
  home = mkdtempSync(join(tmpdir(), 'pf-keytab-home-'));
  process.env.KRB5_CONFIG = kdc.krb5ConfigPath;
  process.env.KRB5CCNAME = `FILE:${join(home, 'default-ccache')}`;
  process.env.TMPDIR = home;
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await proxy?.dispose();
  await koji?.close();
  await kdc?.dispose();
  pki?.remove();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('KojiClient login by keytab', () => {
  it("logs in through the hub's Kerberos acceptor and builds as the principal's user", async () => {
    const client = clientFor('packit', keytabs.packit);
    const taskId = await client.build(SOURCE, 'rawhide', { scratch: true });

    expect(koji.logins).toEqual([{ user: 'packit', principal: 'packit@PACKFLOW.TEST' }]);
    expect(koji.task(taskId)).toMatchObject({ ownerName: 'packit', request: [SOURCE, 'rawhide', { scratch: true }] });
    expect((await client.whoami()).name).toBe('packit');
    // The ticket went to a cache of the login's own, removed after it, never the default one.
    expect(readdirSync(home)).toEqual([]);
  });

  it('opens a new session by keytab when the hub has expired the old one', async () => {
    const client = clientFor('packit', keytabs.packit);
    await client.login();
    const before = koji.logins.length;
    koji.expireSessions();

    const taskId = await client.build(SOURCE, 'f41-candidate', { scratch: true });
    expect(koji.logins.slice(before)).toEqual([{ user: 'packit', principal: 'packit@PACKFLOW.TEST' }]);
    expect(koji.task(taskId).ownerName).toBe('packit');
  });

  it("names the principal and keytab when kinit finds no key of the principal's in the keytab", async () => {
    const before = koji.logins.length;
    const error = await refusal(clientFor('packit', keytabs.stranger).build(SOURCE, 'rawhide', { scratch: true }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error?.message).toBe(
      `Kerberos login as packit@PACKFLOW.TEST with keytab ${keytabs.stranger} failed (KOJI_PRINCIPAL, KOJI_KEYTAB): ` +
        'Keytab contains no suitable keys for packit@PACKFLOW.TEST while getting initial credentials',
    );
    expect(koji.logins.length).toBe(before);
  });

  it('is refused by the hub for a principal that is no Koji user', async () => {
    const error = await refusal(clientFor('stranger', keytabs.stranger).login());
    expect(error).toBeInstanceOf(KojiFaultError);
    expect(error?.message).toMatch(
      /^koji: log in as stranger@PACKFLOW\.TEST by keytab .*stranger\.keytab \(KOJI_PRINCIPAL, KOJI_KEYTAB\) failed: fault 1002: koji\.AuthError: Unknown user: stranger@PACKFLOW\.TEST$/,
    );
    expect(error?.retryable).toBe(false);
  });

  it('says so when the acceptor answers 401 (no ticket for the hub: its host is not the service principal)', async () => {
    const hubByAddress = `${proxy.url.replace('localhost', '127.0.0.1')}/kojihub`;
    const error = await refusal(clientFor('packit', keytabs.packit, hubByAddress).login());
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error?.message).toMatch(
      /^koji: log in as packit@PACKFLOW\.TEST by keytab .*packit\.keytab \(KOJI_PRINCIPAL, KOJI_KEYTAB\) failed: 401 authentication failed: /,
    );
    expect(error?.retryable).toBe(false);
  });

  it('gives no session for a principal claimed without the Kerberos acceptor', async () => {
    const body = Buffer.from(encodeCall('sslLogin', []));
    const claim = { 'content-type': 'text/xml', 'x-remote-user': 'packit@PACKFLOW.TEST' };
    const throughProxy = await tlsPost(`${proxy.url}/kojihub/ssllogin`, claim, body, { ca: pki.ca }, 10_000);
    expect(throughProxy.status).toBe(401);
    const direct = await tlsPost(
      `${koji.hubUrl}/ssllogin`,
      { ...claim, 'x-gssapi-proxy-token': 'guessed' },
      body,
      { ca: pki.ca },
      10_000,
    );
    expect(direct.body).toContain('koji.AuthError: could not verify client certificate');
  });

  // Last: the realm's KDC is stopped for it.
  it('fails a login whose KDC does not answer as retryable, naming the principal', async () => {
    await kdc.stop();
    const error = await refusal(clientFor('packit', keytabs.packit).login());
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error?.message).toMatch(
      /^koji: log in as packit@PACKFLOW\.TEST by keytab .*packit\.keytab \(KOJI_PRINCIPAL, KOJI_KEYTAB\) failed: no answer: kinit as packit@PACKFLOW\.TEST: kinit: Cannot contact any KDC for realm 'PACKFLOW\.TEST'/,
    );
    expect(error?.retryable).toBe(true);
  });
});
