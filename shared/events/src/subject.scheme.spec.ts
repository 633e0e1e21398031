import { describe, expect, it } from '@jest/globals';
import { RESERVED_INSTANCE_NAMES } from '@packflow/base';
import { EVENT_TYPES } from './event.schema.js';
import { kcidbSubmittedMessage } from './results-message.schema.js';
import { ECOSYSTEMS } from './routing.js';
import {
  allSubjects,
  ecosystemSubjects,
  eventSubject,
  localSubject,
  parseSubject,
  streamSubjects,
} from './subject.scheme.js';

describe('subjects without an instance', () => {
  it('are <ecosystem>.<event type>, lowercase and dotted', () => {
    expect(eventSubject('pull_request.opened', 'upstream')).toBe('upstream.pull_request.opened');
    expect(eventSubject('copr.build_end', 'stream')).toBe('stream.copr.build_end');
    for (const subject of allSubjects()) expect(subject).toMatch(/^(upstream|stream)(\.[a-z_]+)+$/);
    expect(allSubjects()).toHaveLength(EVENT_TYPES.length * 2);
    expect(streamSubjects()).toEqual(['upstream.>', 'stream.>', 'results.>']);
    expect(kcidbSubmittedMessage('x', []).subject).toBe('results.kcidb.submitted');
  });

  it('parse back into ecosystem and type', () => {
    expect(parseSubject('upstream.pull_request.opened')).toEqual({
      ecosystem: 'upstream',
      type: 'pull_request.opened',
    });
    expect(parseSubject('downstream.pull_request.opened')).toBeNull();
    expect(parseSubject('upstream.pull_request.labeled')).toBeNull();
    expect(parseSubject('upstream')).toBeNull();
  });
});

describe('subjects of an instance', () => {
  it('carry the instance as their first token, in events, filters, the stream and results', () => {
    expect(eventSubject('pull_request.opened', 'upstream', 'dev-a')).toBe('dev-a.upstream.pull_request.opened');
    expect(ecosystemSubjects('stream', 'dev-a')).toBe('dev-a.stream.>');
    expect(streamSubjects('dev-a')).toEqual(['dev-a.upstream.>', 'dev-a.stream.>', 'dev-a.results.>']);
    expect(kcidbSubmittedMessage('x', [], 'dev-a').subject).toBe('dev-a.results.kcidb.submitted');
    for (const subject of allSubjects('dev-a')) expect(parseSubject(subject)?.instance).toBe('dev-a');
  });

  it('parse back into instance, ecosystem and type', () => {
    expect(parseSubject('dev-a.stream.push.branch')).toEqual({
      instance: 'dev-a',
      ecosystem: 'stream',
      type: 'push.branch',
    });
    expect(parseSubject('dev-a.results.kcidb.submitted')).toBeNull();
    expect(parseSubject('dev-a.downstream.push.branch')).toBeNull();
  });

  it('are local to their own instance only', () => {
    expect(localSubject('dev-a.upstream.push.branch', 'dev-a')).toBe('upstream.push.branch');
    expect(localSubject('dev-b.upstream.push.branch', 'dev-a')).toBeUndefined();
    expect(localSubject('upstream.push.branch', 'dev-a')).toBeUndefined();
    expect(localSubject('upstream.push.branch')).toBe('upstream.push.branch');
    expect(localSubject('dev-a.upstream.push.branch')).toBeUndefined();
  });

  it('never overlap the default subjects: every first token of those is a reserved instance name', () => {
    const firstTokens = streamSubjects().map((s) => s.split('.')[0]);
    expect([...RESERVED_INSTANCE_NAMES].sort()).toEqual([...firstTokens].sort());
    expect(firstTokens.sort()).toEqual([...ECOSYSTEMS, 'results'].sort());
  });
});
