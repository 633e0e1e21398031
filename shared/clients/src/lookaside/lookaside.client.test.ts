// LookasideClient against the fake lookaside cache over HTTPS: the presence check first, an
// upload only of what is missing, the hash checked by the cache, and the refusals (no or an
// unknown certificate).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/base';
import { createTestCertificates, type TestCertificates } from '@packflow/testing';
import { FakeLookaside } from '../testing.js';
import { LookasideClient } from '../index.js';

let pki: TestCertificates;
let cache: FakeLookaside;

function clientAs(user: string | undefined): LookasideClient {
  const cert = user ? pki.client(user) : undefined;
  return new LookasideClient({
    uploadUrl: cache.uploadUrl,
    certPath: cert?.certPath,
    keyPath: cert?.keyPath,
    caPath: pki.caPath,
  });
}

beforeAll(async () => {
  pki = createTestCertificates();
  cache = await FakeLookaside.start({ tls: { ...pki.server, clientCa: pki.ca } });
});

afterAll(async () => {
  await cache.close();
  pki.remove();
});

describe('LookasideClient', () => {
  it('checks first, uploads a missing archive with its sha512, and sends nothing the second time', async () => {
    const client = clientAs('packit');
    // Binary content with CR LF and a boundary-like line survives the multipart body.
    const archive = Buffer.concat([
      Buffer.from([0, 1, 2, 255, 13, 10]),
      Buffer.from('\r\n------packflow\r\n'),
      Buffer.alloc(70_000, 7),
    ]);
    const hash = createHash('sha512').update(archive).digest('hex');
    expect(await client.exists('hello', 'hello-2.10.tar.gz', hash)).toBe(false);

    const first = await client.upload('hello', 'hello-2.10.tar.gz', archive);
    expect(first).toEqual({ hash, uploaded: true, sourcesLine: `SHA512 (hello-2.10.tar.gz) = ${hash}` });
    expect(cache.file('hello', 'hello-2.10.tar.gz', hash)).toMatchObject({ content: archive, uploadedBy: 'packit' });

    const posts = cache.requests.length;
    expect(await client.upload('hello', 'hello-2.10.tar.gz', archive)).toMatchObject({ uploaded: false });
    expect(cache.requests.length).toBe(posts + 1); // only the presence check
    expect(cache.files).toHaveLength(1);
  });

  it('is refused without a certificate, and with one of a user who is not a packager', async () => {
    for (const user of [undefined, 'mallory']) {
      const error = await clientAs(user)
        .upload('hello', 'x-1.tar.gz', Buffer.from('x'))
        .then(
          () => undefined,
          (e: unknown) => e as ExternalServiceError,
        );
      expect(error).toBeInstanceOf(ExternalServiceError);
      expect(error).toMatchObject({ status: 403, retryable: false });
      expect(error!.message).toMatch(
        /lookaside: check hello\/x-1.tar.gz failed: 403 permission denied: You must connect with a valid certificate/,
      );
    }
  });

  it('is refused by the cache when the file does not match its hash', async () => {
    const body = [
      '--b',
      'Content-Disposition: form-data; name="name"',
      '',
      'hello',
      '--b',
      'Content-Disposition: form-data; name="sha512sum"',
      '',
      'f'.repeat(128),
      '--b',
      'Content-Disposition: form-data; name="file"; filename="y.tar.gz"',
      '',
      'not that',
      '--b--',
      '',
    ].join('\r\n');
    const { tlsPost } = await import('../index.js');
    const cert = pki.client('packit');
    const { readFileSync } = await import('node:fs');
    const answer = await tlsPost(
      cache.uploadUrl,
      { 'content-type': 'multipart/form-data; boundary=b' },
      Buffer.from(body),
      { cert: readFileSync(cert.certPath, 'utf8'), key: readFileSync(cert.keyPath, 'utf8'), ca: pki.ca },
      10_000,
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/^SHA512 check failed\. Received [0-9a-f]{128} instead of f{128}\./);
    expect(cache.file('hello', 'y.tar.gz')).toBeUndefined();
  });

  it('refuses a file name with a path in it before sending anything', async () => {
    await expect(clientAs('packit').upload('hello', '../etc/passwd', Buffer.from('x'))).rejects.toThrow(
      /not a plain file name/,
    );
  });
});
