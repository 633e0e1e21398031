// A Kerberos realm of the test's own: MIT's krb5kdc (Debian krb5-kdc) on a free TCP port of
// 127.0.0.1, its database made with kdb5_util and its principals and keytabs with
// kadmin.local (krb5-admin-server), all in a temp directory with a krb5.conf that clients
// and acceptors of the realm read through KRB5_CONFIG. Host names are taken as written
// (`localhost` is not canonicalised), so `HTTP/localhost` is the service of
// `https://localhost:<port>`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terminate } from '../child-process.js';
import { answers, freePort } from '../ports.js';
import { waitFor } from '../wait-for.js';

export interface TestKdc {
  realm: string;
  dir: string;
  /** The realm's krb5.conf, for KRB5_CONFIG. */
  krb5ConfigPath: string;
  /** Adds principals (`packit`, `HTTP/localhost`; the realm is added) with random keys and writes their keys to a new keytab; returns its path. */
  keytab(file: string, ...principals: string[]): Promise<string>;
  /** A principal's full name: `packit` -> `packit@<REALM>`. */
  principal(name: string): string;
  /** Stops krb5kdc (its realm stays: keytabs and krb5.conf), as a KDC that cannot be reached. */
  stop(): Promise<void>;
  /** Stops krb5kdc and removes the realm. */
  dispose(): Promise<void>;
}

export async function startKdc(realm = 'PACKFLOW.TEST'): Promise<TestKdc> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'pf-kdc-'));
  // Acceptors may run as another user (Apache's www-data): they read krb5.conf from here.
  await chmod(dir, 0o755);
  const krb5ConfigPath = join(dir, 'krb5.conf');
  const kdcConfigPath = join(dir, 'kdc.conf');
  await writeFile(
    krb5ConfigPath,
    `[libdefaults]
  default_realm = ${realm}
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
[realms]
  ${realm} = {
    kdc = 127.0.0.1:${port}
  }
[domain_realm]
  localhost = ${realm}
`,
  );
  await writeFile(
    kdcConfigPath,
    `[kdcdefaults]
  kdc_listen = ""
  kdc_tcp_listen = 127.0.0.1:${port}
[realms]
  ${realm} = {
    database_name = ${join(dir, 'principal')}
    key_stash_file = ${join(dir, 'stash')}
    acl_file = ${join(dir, 'kadm5.acl')}
  }
`,
  );
  const env = { ...process.env, PATH: withSbin(), KRB5_CONFIG: krb5ConfigPath, KRB5_KDC_PROFILE: kdcConfigPath };
  const run = (program: string, args: string[], input = ''): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = execFile(program, args, { env, encoding: 'utf8' }, (error, stdout, stderr) => {
        if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT')
          reject(new Error(`${program} is not installed (.ci/run installs krb5-kdc, krb5-admin-server, krb5-user)`));
        else if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolve(`${stdout}${stderr}`);
      });
      // A program that reads no input may have exited before it is written.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(input);
    });
  const principal = (name: string) => (name.includes('@') ? name : `${name}@${realm}`);

  await run('kdb5_util', ['create', '-s', '-r', realm, '-P', randomBytes(12).toString('hex'), '-W']);
  let child: ChildProcess | undefined = spawn('krb5kdc', ['-n', '-r', realm], { env, stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    await waitFor(
      () => {
        if (exited) throw new Error('krb5kdc exited');
        return answers(port);
      },
      { what: `krb5kdc on port ${port}` },
    );
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const kdc: TestKdc = {
    realm,
    dir,
    krb5ConfigPath,
    principal,
    async keytab(file, ...principals) {
      const path = join(dir, file);
      const names = principals.map(principal);
      // kadmin.local says what went wrong but exits 0: the keytab's listing is the check.
      const said = await run(
        'kadmin.local',
        ['-r', realm],
        names.map((p) => `addprinc -randkey ${p}\nktadd -k ${path} ${p}\n`).join(''),
      );
      const listed = await run('klist', ['-k', path]).catch(() => '');
      for (const p of names) if (!listed.includes(p)) throw new Error(`kadmin.local made no key for ${p}: ${said}`);
      return path;
    },
    async stop() {
      const c = child;
      child = undefined;
      await terminate(c);
    },
    async dispose() {
      await kdc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return kdc;
}

/** PATH with /usr/sbin, where Debian puts krb5kdc, kdb5_util, kadmin.local and apache2 (not on a user's PATH). */
export function withSbin(): string {
  return [process.env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(':');
}
