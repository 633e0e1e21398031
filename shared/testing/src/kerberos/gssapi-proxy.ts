// A real Kerberos acceptor in front of a fake: Apache (Debian apache2) with
// mod_auth_gssapi, as a Koji hub is deployed, started by the test with its own config on a
// free port of 127.0.0.1 and reached as `https://localhost:<port>`. It reverse-proxies a
// path prefix to the fake; on the login path it first demands SPNEGO (`Negotiate`), checked
// against the service's keytab, and passes the principal it verified (REMOTE_USER) on in
// `x-remote-user` with a token the fake checks (`x-gssapi-proxy-token`), so no client can claim a principal itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminate } from '../child-process.js';
import { answers, freePort } from '../ports.js';
import { waitFor } from '../wait-for.js';
import { withSbin, type TestKdc } from './test-kdc.js';

export interface GssapiProxyOptions {
  kdc: TestKdc;
  /** Keytab of the service principal `HTTP/localhost`. */
  keytabPath: string;
  /** PEM certificate (for localhost) and key Apache serves. */
  tls: { cert: string; key: string };
  /** `https://127.0.0.1:<port>` of the fake. */
  backend: string;
  /** PEM CA file the fake's certificate chains to. */
  backendCaPath: string;
  /** The path prefix proxied to the fake (`/kojihub`). */
  prefix: string;
  /** The path under it that needs a Kerberos login (`/kojihub/ssllogin`). */
  loginPath: string;
  /** Comes with `x-remote-user` in `x-gssapi-proxy-token`, for the fake to check. */
  proxyToken: string;
}

export interface GssapiProxy {
  /** `https://localhost:<port>`. */
  url: string;
  dispose(): Promise<void>;
}

const MODULES = [
  'mpm_event',
  'authn_core',
  'authz_core',
  'authz_user',
  'auth_gssapi',
  'headers',
  'proxy',
  'proxy_http',
  'ssl',
];

export async function startGssapiProxy(options: GssapiProxyOptions): Promise<GssapiProxy> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'pf-gssapi-proxy-'));
  // Apache reads the keytab at each login as its own user (www-data when started by root).
  await chmod(dir, 0o755);
  const keytab = join(dir, 'http.keytab');
  await copyFile(options.keytabPath, keytab);
  await chmod(keytab, 0o644);
  await writeFile(join(dir, 'server.crt'), options.tls.cert);
  await writeFile(join(dir, 'server.key'), options.tls.key, { mode: 0o600 });
  const errorLog = join(dir, 'error.log');
  await writeFile(
    join(dir, 'httpd.conf'),
    `ServerRoot ${dir}
DefaultRuntimeDir ${dir}
PidFile ${join(dir, 'httpd.pid')}
ErrorLog ${errorLog}
LogLevel warn auth_gssapi:info
User www-data
Group www-data
ServerName localhost
Listen 127.0.0.1:${port}
${MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
SSLEngine on
SSLCertificateFile ${join(dir, 'server.crt')}
SSLCertificateKeyFile ${join(dir, 'server.key')}
SSLProxyEngine on
SSLProxyVerify require
SSLProxyCACertificateFile ${options.backendCaPath}
ProxyPass ${options.prefix} ${options.backend}${options.prefix}
<Location ${options.prefix}>
  RequestHeader unset X-Remote-User
  RequestHeader unset X-Gssapi-Proxy-Token
</Location>
<Location ${options.loginPath}>
  AuthType GSSAPI
  AuthName "GSSAPI Single Sign On Login"
  GssapiCredStore keytab:${keytab}
  GssapiLocalName Off
  Require valid-user
  RequestHeader set X-Remote-User expr=%{REMOTE_USER}
  RequestHeader set X-Gssapi-Proxy-Token ${options.proxyToken}
</Location>
`,
  );
  const env = { ...process.env, PATH: withSbin(), KRB5_CONFIG: options.kdc.krb5ConfigPath, KRB5RCACHETYPE: 'none' };
  let child: ChildProcess | undefined = spawn('apache2', ['-X', '-f', join(dir, 'httpd.conf')], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  const dispose = async () => {
    const c = child;
    child = undefined;
    await terminate(c);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      () => {
        if (exited) throw new Error('apache2 exited');
        return answers(port);
      },
      { what: `apache2 on port ${port}` },
    );
  } catch (error) {
    const log = await readFile(errorLog, 'utf8').catch(() => '');
    await dispose();
    throw new Error(
      `${(error as Error).message} (.ci/run installs apache2 and libapache2-mod-auth-gssapi): ${said}${log}`,
    );
  }
  return { url: `https://localhost:${port}`, dispose };
}
