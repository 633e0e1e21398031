// The release-monitoring client against the fake Anitya: the Fedora mapping first, then
// the project named like the package; the fake's projects have the shape of the project
// in a real Anitya version-update message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/base';
import { sharedFixturesDir, shapeDiff } from '@packflow/testing';
import { ReleaseMonitoringClient } from '../index.js';
import { FakeReleaseMonitoring } from '../testing.js';

let anitya: FakeReleaseMonitoring;
let client: ReleaseMonitoringClient;
beforeAll(async () => {
  anitya = await FakeReleaseMonitoring.start();
  client = new ReleaseMonitoringClient({ baseUrl: anitya.url });
  anitya.addProject('mypy-boto3', ['1.33.1', '1.33.0'], { fedora: 'python-mypy-boto3' });
  anitya.addProject('hello', ['2.12', '2.11']);
  anitya.addProject('hello-world', ['9.0']);
});
afterAll(() => anitya.close());

describe('ReleaseMonitoringClient.latestVersion', () => {
  it('takes the version of the project mapped to the Fedora package', async () => {
    expect(await client.latestVersion('python-mypy-boto3')).toBe('1.33.1');
    expect(anitya.requests.map((r) => r.path)).toContain('/api/project/Fedora/python-mypy-boto3');
  });

  it('without a mapping, takes the project of exactly the package name (the search is a prefix one)', async () => {
    expect(await client.latestVersion('hello')).toBe('2.12');
    const search = anitya.requests.find((r) => r.path === '/api/projects');
    expect(search?.query).toBe('?pattern=hello');
  });

  it('is undefined when Anitya knows no such project', async () => {
    expect(await client.latestVersion('hello-w')).toBeUndefined();
  });

  it('a failing Anitya is a retryable service error naming the lookup', async () => {
    anitya.failNext({ status: 503 });
    const error = await client.latestVersion('hello').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect((error as ExternalServiceError).retryable).toBe(true);
    expect((error as Error).message).toMatch(/release-monitoring.*Fedora package hello/);
  });
});

describe('the fake release-monitoring', () => {
  it("answers projects with the fields and types of a real Anitya message's project", async () => {
    const message = JSON.parse(
      readFileSync(join(sharedFixturesDir()!, 'messages/anitya_version_update.json'), 'utf8'),
    ) as { message: { project: unknown } };
    const mapped = await (await fetch(`${anitya.url}/api/project/Fedora/python-mypy-boto3`)).json();
    expect(shapeDiff(message.message.project, mapped, ['$.packages'])).toEqual([]);
    const listed = (await (await fetch(`${anitya.url}/api/projects/?pattern=mypy`)).json()) as { projects: unknown[] };
    expect(shapeDiff(message.message.project, listed.projects[0])).toEqual([]);
    const missing = await fetch(`${anitya.url}/api/project/Fedora/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'No package "nothing" found in distro "Fedora"', output: 'notok' });
  });
});
