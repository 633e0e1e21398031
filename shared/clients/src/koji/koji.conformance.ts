// Conformance of the fake Koji hub with the real one: the buildsys messages it sends for a
// scratch build (task state changes) and a real build (build state changes) have the keys
// and value types of the real ones (fixtures messages/koji_*.json), a build tagged says so
// with the keys of Koji's TagV1 message, and @packflow/events' message parser reads them
// as it reads the real ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseMessage } from '@packflow/events';
import { createTestCertificates, shapeDiff, sharedFixturesDir, type TestCertificates } from '@packflow/testing';
import { KojiClient } from '../index.js';
import { FakeKoji } from '../testing.js';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(sharedFixturesDir()!, 'messages', name), 'utf8')) as Record<string, unknown>;

let pki: TestCertificates;
let koji: FakeKoji;
let client: KojiClient;
const handedOver: Record<string, unknown>[] = [];

beforeAll(async () => {
  pki = createTestCertificates();
  koji = await FakeKoji.start({
    tls: { ...pki.server, clientCa: pki.ca },
    onMessage: async (message) => void handedOver.push(message),
  });
  client = new KojiClient({
    hubUrl: koji.hubUrl,
    auth: { kind: 'certificate', certPath: pki.client('packit').combinedPath },
    serverCaPath: pki.caPath,
  });
});

afterAll(async () => {
  await koji.close();
  pki.remove();
});

describe('fake Koji messages', () => {
  it('of a scratch build are task state changes shaped as the real ones, parsed as the real ones', async () => {
    const path = await client.uploadSrpm('hello-0.74-1.fc31.src.rpm', Buffer.from('srpm'));
    const task = await client.build(path, 'rawhide', { scratch: true });
    const [start] = (await koji.startTask(task)).map((d) => d.payload);
    const [end] = (await koji.finishTask(task, 'CLOSED')).map((d) => d.payload);

    expect(shapeDiff(fixture('koji_build_scratch_start.json'), start)).toEqual([]);
    expect(shapeDiff(fixture('koji_build_scratch_end.json'), end)).toEqual([]);
    expect(parseMessage(start)).toMatchObject({
      type: 'koji.task_state_change',
      koji: { taskId: String(task), oldState: 'FREE', newState: 'OPEN', scratch: true, target: 'rawhide' },
    });
    expect(parseMessage(end)).toMatchObject({
      type: 'koji.task_state_change',
      koji: { taskId: String(task), oldState: 'OPEN', newState: 'CLOSED', source: path },
    });
  });

  it('of a real build from dist-git are build state changes in the envelope, shaped and parsed as the real ones', async () => {
    const src = 'git+https://src.fedoraproject.org/rpms/python-ogr.git#e029dd5250dde9a37a2cdddb6d822d973b09e5da';
    const task = await client.build(src, 'rawhide');
    const started = (await koji.startTask(task)).map((d) => d.payload);
    const ended = (await koji.finishTask(task, 'CLOSED')).map((d) => d.payload);
    const buildStart = started.find((m) => String(m.topic).endsWith('buildsys.build.state.change'))!;
    const buildEnd = ended.find((m) => String(m.topic).endsWith('buildsys.build.state.change'))!;

    expect(shapeDiff(fixture('koji_build_start_rawhide.json'), buildStart)).toEqual([]);
    expect(shapeDiff(fixture('koji_build_completed_rawhide.json'), buildEnd)).toEqual([]);
    expect(parseMessage(buildEnd)).toMatchObject({
      type: 'koji.build_state_change',
      project: { forge: 'pagure', namespace: 'rpms', repo: 'python-ogr' },
      sha: 'e029dd5250dde9a37a2cdddb6d822d973b09e5da',
      koji: { taskId: String(task), oldState: 'BUILDING', newState: 'COMPLETE', target: 'rawhide', owner: 'packit' },
    });
    // What a bus publisher gets is what was sent, in order.
    expect(handedOver).toEqual(koji.messagesSent.map((d) => d.payload));
  });

  it('of a build into a side tag: it is tagged there after it completed, as buildsys.tag says', async () => {
    const target = await client.getBuildTarget('rawhide');
    expect(target).toEqual({ name: 'rawhide', buildTag: 'f44-build', destTag: 'f44-updates-candidate' });
    expect(await client.getBuildTarget('f99')).toBeUndefined();
    const side = await client.createSideTag(target!.buildTag);
    expect(await client.getTag(side.name)).toEqual({ id: side.id, name: side.name });
    expect(side.name).toBe(`f44-build-side-${side.id}`);
    const task = await client.build('git+https://src.fedoraproject.org/rpms/ogr.git#' + 'a'.repeat(40), side.name);
    const ended = (await koji.finishTask(task, 'CLOSED')).map((d) => d.payload);
    expect(ended.map((m) => String(m.topic).replace('org.fedoraproject.prod.', ''))).toEqual([
      'buildsys.task.state.change',
      'buildsys.build.state.change',
      'buildsys.tag',
    ]);
    const tagged = ended[2] as { body: Record<string, unknown> };
    expect(Object.keys(tagged.body).sort()).toEqual(
      ['base_url', 'build_id', 'instance', 'name', 'owner', 'release', 'tag', 'tag_id', 'user', 'version'].sort(),
    );
    expect(parseMessage(tagged)).toMatchObject({
      type: 'koji.tag',
      project: { namespace: 'rpms', repo: 'ogr' },
      koji: { tag: side.name, tagId: String(side.id), nvr: 'ogr-1.0-1.fc44', owner: 'packit', user: 'packit' },
    });
    expect((await client.listTagged(side.name)).map((b) => b.nvr)).toEqual(['ogr-1.0-1.fc44']);
    await client.removeSideTag(side.name);
    expect(await client.getTag(side.name)).toBeUndefined();
  });
});
