import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@packflow/base';
import { toEventMessage, validateEventMessage } from './event-message.schema.js';
import { type PackflowEvent } from './event.schema.js';

const event: PackflowEvent = {
  type: 'pull_request.opened',
  source: 'github',
  project: { forge: 'github', instanceUrl: 'https://github.com', namespace: 'acme', repo: 'widget' },
  ref: { kind: 'pull_request', name: '7' },
  sha: 'a'.repeat(40),
  actor: 'alice',
  pullRequest: {
    number: 7,
    title: 'Fix',
    url: null,
    sourceBranch: 'fix',
    targetBranch: 'main',
    sourceProject: null,
    merged: false,
  },
};

describe('validateEventMessage', () => {
  const message = toEventMessage(event, { eventId: '12', deliveryId: 'd-1', ecosystem: 'upstream' });

  it('returns the typed message when payload and subject agree', () => {
    expect(validateEventMessage('upstream.pull_request.opened', JSON.parse(JSON.stringify(message)))).toEqual(message);
    // On an instance's subject too: the instance is part of the subject, not of the payload.
    expect(validateEventMessage('dev-a.upstream.pull_request.opened', message)).toEqual(message);
  });

  it('drops keys it does not know (a newer scheduler may add some)', () => {
    expect(validateEventMessage('upstream.pull_request.opened', { ...message, extra: 1 })).toEqual(message);
  });

  it('rejects a payload that does not match its schema, naming the field', () => {
    const bad = { ...message, pullRequest: { ...(event as { pullRequest: object }).pullRequest, number: '7' } };
    expect(() => validateEventMessage('upstream.pull_request.opened', bad)).toThrow(ValidationError);
    expect(() => validateEventMessage('upstream.pull_request.opened', bad)).toThrow(/pullRequest\.number/);
  });

  it('rejects a payload without the ids the scheduler adds', () => {
    const { eventId: _e, ...withoutId } = message;
    expect(() => validateEventMessage('upstream.pull_request.opened', withoutId)).toThrow(/eventId/);
  });

  it('rejects a payload published on another event type or ecosystem subject', () => {
    expect(() => validateEventMessage('upstream.pull_request.closed', message)).toThrow(
      /carries a upstream.pull_request.opened event/,
    );
    expect(() => validateEventMessage('stream.pull_request.opened', message)).toThrow(/carries/);
    expect(() => validateEventMessage('nonsense', message)).toThrow(/not an event subject/);
  });

  it('rejects what is not an object', () => {
    expect(() => validateEventMessage('upstream.pull_request.opened', 'x')).toThrow(ValidationError);
    expect(() => validateEventMessage('upstream.pull_request.opened', null)).toThrow(ValidationError);
  });
});
