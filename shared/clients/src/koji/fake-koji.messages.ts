// The fedora-messaging bodies a Koji hub's messaging plugin sends, with the keys of the real
// ones (fixtures messages/koji_*.json): `buildsys.task.state.change` flat, as the scratch
// build fixtures are, and `buildsys.build.state.change` in the full envelope, as the
// build fixtures are.
import { randomUUID } from 'node:crypto';
import { KOJI_BUILD_STATES, KOJI_TASK_STATES } from '@packflow/events';
import type { XmlRpcValue } from './xmlrpc.codec.js';

export interface FakeKojiTask {
  id: number;
  method: string;
  state: number;
  parent: number | null;
  owner: number;
  ownerName: string;
  arch: string;
  label: string | null;
  request: XmlRpcValue[];
  createTime: number;
  startTime: number | null;
  completionTime: number | null;
  result: XmlRpcValue;
  children: number[];
}

export interface FakeKojiBuild {
  id: number;
  name: string;
  version: string;
  release: string;
  state: number;
  taskId: number;
  ownerName: string;
  ownerId: number;
  source: string;
  createTime: number;
  completionTime: number | null;
}

export function taskRecord(task: FakeKojiTask, withRequest: boolean): Record<string, XmlRpcValue> {
  const iso = (t: number | null) =>
    t === null ? null : new Date(t * 1000).toISOString().replace('T', ' ').replace('Z', '');
  return {
    id: task.id,
    method: task.method,
    state: task.state,
    parent: task.parent,
    owner: task.owner,
    arch: task.arch,
    label: task.label,
    priority: task.parent ? 19 : 20,
    channel_id: 1,
    host_id: task.startTime ? 305 : null,
    waiting: null,
    awaited: null,
    weight: 0.2,
    create_time: iso(task.createTime),
    create_ts: task.createTime,
    start_time: iso(task.startTime),
    start_ts: task.startTime,
    completion_time: iso(task.completionTime),
    completion_ts: task.completionTime,
    ...(withRequest ? { request: task.request } : {}),
  };
}

export function buildRecord(build: FakeKojiBuild): Record<string, XmlRpcValue> {
  const nvr = `${build.name}-${build.version}-${build.release}`;
  return {
    build_id: build.id,
    id: build.id,
    name: build.name,
    package_name: build.name,
    version: build.version,
    release: build.release,
    epoch: null,
    nvr,
    state: build.state,
    task_id: build.taskId,
    owner_id: build.ownerId,
    owner_name: build.ownerName,
    source: build.source,
    creation_ts: build.createTime,
    completion_ts: build.completionTime,
    volume_name: 'DEFAULT',
  };
}

/** `buildsys.task.state.change`, the flat shape of koji_build_scratch_start/end.json. */
export function taskStateMessage(
  environment: string,
  task: FakeKojiTask,
  children: FakeKojiTask[],
  oldState: number,
): Record<string, unknown> {
  const info = (t: FakeKojiTask) => ({
    parent: t.parent,
    completion_time: t.completionTime,
    start_time: t.startTime,
    waiting: t.parent ? null : t.state === 2 ? false : null,
    awaited: t.parent ? false : null,
    id: t.id,
    priority: t.parent ? 19 : 20,
    channel_id: 1,
    state: t.state,
    create_time: t.createTime,
    owner: t.owner,
    host_id: t.startTime ? 305 : null,
    method: t.method,
    label: t.label,
    arch: t.arch,
  });
  const src = typeof task.request[0] === 'string' ? task.request[0] : '';
  return {
    topic: `org.fedoraproject.${environment}.buildsys.task.state.change`,
    info: {
      ...info(task),
      request: task.request,
      ...(task.completionTime !== null ? { result: null } : {}),
      children: children.map(info),
    },
    old: KOJI_TASK_STATES[oldState],
    attribute: 'state',
    id: task.id,
    instance: 'primary',
    owner: task.ownerName,
    new: KOJI_TASK_STATES[task.state],
    srpm: src.split('/').pop() ?? src,
    method: task.method,
  };
}

/** `buildsys.build.state.change` in its envelope, the shape of koji_build_*_rawhide.json. */
export function buildStateMessage(
  environment: string,
  build: FakeKojiBuild,
  request: XmlRpcValue[],
  oldState: number | null,
): Record<string, unknown> {
  const iso = (t: number | null) => (t === null ? null : new Date(t * 1000).toISOString().replace('Z', '+00:00'));
  return {
    body: {
      completion_time: iso(build.completionTime),
      creation_time: iso(build.createTime),
      attribute: 'state',
      build_id: build.id,
      epoch: null,
      instance: 'primary',
      name: build.name,
      new: build.state,
      old: oldState,
      owner: build.ownerName,
      release: build.release,
      request,
      task_id: build.taskId,
      version: build.version,
    },
    headers: { 'sent-at': new Date().toISOString().replace(/\.\d+Z$/, '+00:00') },
    id: `${new Date().getUTCFullYear()}-${randomUUID()}`,
    queue: null,
    topic: `org.fedoraproject.${environment}.buildsys.build.state.change`,
  };
}

/** `getTag`'s record (nil for no such tag). */
export function tagRecord(tag: { id: number; name: string } | undefined): XmlRpcValue {
  return tag ? { id: tag.id, name: tag.name, arches: null, locked: false, perm: null, extra: {} } : null;
}

/** `getBuildTarget`'s record (nil for no such target). */
export function targetRecord(
  name: string,
  target: { buildTag: string; destTag: string } | undefined,
  tagId: (name: string) => number,
): XmlRpcValue {
  if (!target) return null;
  return {
    id: tagId(target.destTag),
    name,
    build_tag: tagId(target.buildTag),
    build_tag_name: target.buildTag,
    dest_tag: tagId(target.destTag),
    dest_tag_name: target.destTag,
  };
}

/** `buildsys.tag` in its envelope, with the keys of Koji's TagV1 message (a build tagged into a tag). */
export function tagMessage(
  environment: string,
  tag: { id: number; name: string },
  build: FakeKojiBuild,
  user: string,
): Record<string, unknown> {
  return {
    body: {
      base_url: 'https://koji.fedoraproject.org',
      build_id: build.id,
      instance: 'primary',
      name: build.name,
      owner: build.ownerName,
      release: build.release,
      tag: tag.name,
      tag_id: tag.id,
      user,
      version: build.version,
    },
    headers: {
      fedora_messaging_schema: 'koji_fedoramessaging.tag.TagV1',
      'sent-at': new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
    },
    id: randomUUID(),
    queue: null,
    topic: `org.fedoraproject.${environment}.buildsys.tag`,
  };
}

export const BUILD_STATE = Object.fromEntries(KOJI_BUILD_STATES.map((s, i) => [s, i])) as Record<
  (typeof KOJI_BUILD_STATES)[number],
  number
>;
export const TASK_STATE = Object.fromEntries(KOJI_TASK_STATES.map((s, i) => [s, i])) as Record<
  (typeof KOJI_TASK_STATES)[number],
  number
>;
