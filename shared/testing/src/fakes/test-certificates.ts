// A throwaway PKI for fakes that speak TLS with client certificates (the Koji hub's
// sslLogin): a CA, a server certificate for 127.0.0.1, and client certificates signed by
// the CA or by a stranger's CA, made with the openssl binary in a temp directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  dir: string;
  /** PEM of the CA that signed the server and the `client()` certificates. */
  ca: string;
  caPath: string;
  server: { cert: string; key: string };
  /** A client certificate with this common name; paths to its PEM files (key apart, and cert+key in one). */
  client(commonName: string, options?: { signedBy?: 'ca' | 'stranger' }): ClientCertificate;
  remove(): void;
}

export interface ClientCertificate {
  certPath: string;
  keyPath: string;
  /** Certificate and key in one file, as Fedora's `~/.fedora.cert` is. */
  combinedPath: string;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): void {
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
  );
}

function sign(dir: string, ca: string, name: string, subject: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    dir,
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    subject,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'packflow-pki-'));
  makeCa(dir, 'ca');
  sign(
    dir,
    'ca',
    'server',
    '/CN=127.0.0.1',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  let strangerMade = false;
  return {
    dir,
    ca: read('ca.crt'),
    caPath: join(dir, 'ca.crt'),
    server: { cert: read('server.crt'), key: read('server.key') },
    client(commonName, options = {}) {
      const by = options.signedBy === 'stranger' ? 'stranger' : 'ca';
      if (by === 'stranger' && !strangerMade) {
        makeCa(dir, 'stranger');
        strangerMade = true;
      }
      const name = `client-${by}-${commonName.replace(/[^\w.-]/g, '_')}`;
      sign(dir, by, name, `/CN=${commonName}`, 'extendedKeyUsage=clientAuth\n');
      const combinedPath = join(dir, `${name}.pem`);
      writeFileSync(combinedPath, read(`${name}.crt`) + read(`${name}.key`));
      return { certPath: join(dir, `${name}.crt`), keyPath: join(dir, `${name}.key`), combinedPath };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
