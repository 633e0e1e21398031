// What Copr refuses, through the real client against the fake Copr: the custom (SRPM)
// build's form (script, script chroot, repos, timeout, chroots), a project's chroots Copr
// does not have, and a body without its owner. Each answer is Copr's `{"error": …}` with
// the form's errors as Copr prints them, and none of them is retried.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/core';
import { FakeCopr } from '@packflow/testing';
import { CoprClient, type SrpmBuildInput } from '../index.js';

let copr: FakeCopr;
let client: CoprClient;
const PROJECT = { owner: 'packit', project: 'acme-mono-5' };
const SCRIPT = '#!/bin/sh\nresultdir=$PWD\npackit -d prepare-sources -p \'lib\' --result-dir "$resultdir" x';

beforeAll(async () => {
  copr = await FakeCopr.start({ login: 'packit', token: 'copr-token-2' });
  client = new CoprClient({ baseUrl: copr.url, login: 'packit', token: 'copr-token-2' });
  await client.ensureProject({ ...PROJECT, chroots: ['fedora-42-x86_64'] });
});

afterAll(() => copr.close());

async function refusal(input: Partial<SrpmBuildInput>): Promise<ExternalServiceError> {
  const error = await client.submitSrpmBuild({ ...PROJECT, script: SCRIPT, ...input }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe('the fake Copr refuses an SRPM (custom) build as Copr does', () => {
  it('takes the build Packit sends, and names the SRPM after the package the script asks for', async () => {
    const build = await client.submitSrpmBuild({
      ...PROJECT,
      script: SCRIPT,
      scriptChroot: 'fedora-42-x86_64',
      builddeps: ['packit', 'make'],
      repos: ['copr://packit/packit-stable'],
      chroots: ['fedora-42-x86_64'],
    });
    expect(await client.getSourceBuildConfig(build.id)).toMatchObject({
      sourceType: 'custom',
      sourceDict: { chroot: 'fedora-42-x86_64', builddeps: 'packit make', repos: 'copr://packit/packit-stable' },
    });
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    expect((await client.getBuild(build.id)).sourcePackage.name).toBe('lib');
  });

  it.each([
    ['no script', { script: '' }, "{'script': ['This field is required.']}"],
    ['a script over 4 kB', { script: `#!/bin/sh\n${'#'.repeat(4096)}` }, "{'script': ['Maximum script size is 4kB']}"],
    ['a script chroot Copr does not have', { scriptChroot: 'fedora-42-sparc' }, "{'chroot': ['Not a valid choice.']}"],
    [
      'a repository that is no URL',
      { repos: ['packit-stable'] },
      "{'repos': [\"A list of http[s] URLs separated by whitespace characters is needed ('packit-stable' doesn't seem to be a valid URL).\"]}",
    ],
    [
      'a copr:// repository of a project that does not exist',
      { repos: ['copr://packit/nope'] },
      "{'repos': ['copr://packit/nope does not exist.']}",
    ],
    ['a timeout over 30 hours', { timeoutSeconds: 200_000 }, "{'timeout': ['Number must be between 0 and 108000.']}"],
    [
      'a chroot the project does not have',
      { chroots: ['epel-9-x86_64'] },
      "{'chroots': [\"'epel-9-x86_64' is not a valid choice for this field.\"]}",
    ],
  ])('refuses %s with the form error Copr answers', async (_what, input, errors) => {
    const before = copr.builds.size;
    const error = await refusal(input);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain(`Bad request parameters: ${errors}`);
    expect(copr.builds.size).toBe(before);
  });

  it('answers 404 for a project that does not exist, and fails (500) on a body without its owner', async () => {
    expect(await refusal({ project: 'no-such-project' })).toMatchObject({ status: 404 });
    const response = await fetch(`${copr.url}/api_3/build/create/custom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from('packit:copr-token-2').toString('base64')}`,
      },
      body: JSON.stringify({ projectname: PROJECT.project, script: SCRIPT }),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: "Request wasn't successful, there is probably a bug in the Copr code.",
    });
  });
});

describe('the fake Copr refuses project chroots it does not have', () => {
  it('answers "Unexpected chroot" on create and on edit', async () => {
    const create = await client
      .ensureProject({ owner: 'packit', project: 'acme-mono-6', chroots: ['fedora-42-x86_64', 'debian-12-x86_64'] })
      .catch((e: unknown) => e as ExternalServiceError);
    expect(create).toMatchObject({ status: 400 });
    expect((create as Error).message).toContain('Unexpected chroot: debian-12-x86_64');
    expect(copr.project('packit', 'acme-mono-6')).toBeUndefined();

    const edit = await client
      .ensureProject({ ...PROJECT, chroots: ['fedora-42-sparc'] })
      .catch((e: unknown) => e as ExternalServiceError);
    expect((edit as Error).message).toContain('Unexpected chroot: fedora-42-sparc');
    expect(copr.project(PROJECT.owner, PROJECT.project)!.chroots).toEqual(['fedora-42-x86_64']);
  });
});
