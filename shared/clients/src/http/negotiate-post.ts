// One HTTP(S) POST authenticated by Kerberos (SPNEGO, `Authorization: Negotiate`), as
// koji's gssapi_login makes its sslLogin call. A ticket is got from a keytab with MIT
// `kinit -k -t` into a credential cache of this call's own, in a private temp directory
// (never the user's default cache) removed afterwards; the request itself is made by the
// `curl` binary (`--negotiate`): Node has no GSS-API, and a native addon is not built here.
// Answers come back as tlsPost's do. A keytab or principal kinit refuses is a
// ConfigurationError naming both; a KDC or server that does not answer is an HttpFailure
// with no status (retryable), like any network failure.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@packflow/base';
import { HttpFailure } from './http-failure.js';
import type { TlsAnswer } from './tls-post.js';

/** Who logs in: a principal and the keytab holding its keys. */
export interface KerberosIdentity {
  principal: string;
  keytabPath: string;
  /** How a message names the settings (`KOJI_PRINCIPAL, KOJI_KEYTAB`). */
  settings: string;
}

export async function negotiatePost(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  identity: KerberosIdentity,
  caPath: string | undefined,
  timeoutMs: number,
): Promise<TlsAnswer> {
  const dir = await mkdtemp(join(tmpdir(), 'packflow-krb5-'));
  const env = { ...process.env, KRB5CCNAME: `FILE:${join(dir, 'ccache')}` };
  try {
    await kinit(identity, env, timeoutMs);
    return await curlNegotiate(url, headers, body, caPath, env, timeoutMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** kinit's words when the KDC could not be reached: worth another try later. */
const KDC_UNREACHABLE = /Cannot contact any KDC|Cannot find KDC|timed out|Connection refused|Cannot resolve/i;

async function kinit(identity: KerberosIdentity, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  const { principal, keytabPath, settings } = identity;
  const result = await run('kinit', ['-k', '-t', keytabPath, principal], env, undefined, timeoutMs);
  if (result.code === 0) return;
  const said = lastLine(result.stderr) || `exit code ${result.code}`;
  if (result.timedOut || KDC_UNREACHABLE.test(said))
    throw new HttpFailure(undefined, {}, `kinit as ${principal}: ${said}`);
  throw new ConfigurationError(
    `Kerberos login as ${principal} with keytab ${keytabPath} failed (${settings}): ${said.replace(/^kinit: /, '')}`,
  );
}

async function curlNegotiate(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  caPath: string | undefined,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<TlsAnswer> {
  const args = [
    '--silent',
    '--show-error',
    '--negotiate',
    '--user',
    ':',
    // Like node:https, the one request goes straight to the server.
    '--noproxy',
    '*',
    '--max-time',
    String(Math.max(1, Math.ceil(timeoutMs / 1000))),
    ...(caPath ? ['--cacert', caPath] : []),
    ...Object.entries(headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
    '--data-binary',
    '@-',
    '--write-out',
    '\n%{http_code}',
    '--url',
    url,
  ];
  const result = await run('curl', args, env, body, timeoutMs + 1000);
  if (result.code !== 0 || result.timedOut)
    throw new HttpFailure(undefined, {}, result.timedOut ? 'timed out' : lastLine(result.stderr) || 'curl failed');
  const cut = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(cut + 1)), headers: {}, body: result.stdout.slice(0, cut) };
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function run(
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input: Buffer | undefined,
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(program, args, { env, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr, timedOut: false });
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(
          new ConfigurationError(
            `Kerberos login needs the ${program} program, which is not installed (Debian: krb5-user and curl)`,
          ),
        );
      resolve({
        code: typeof error.code === 'number' ? error.code : -1,
        stdout,
        stderr,
        timedOut: error.killed === true,
      });
    });
    // kinit reads no input and may have exited before it is written.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}
