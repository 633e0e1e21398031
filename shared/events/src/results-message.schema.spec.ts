import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@packflow/base';
import { kcidbSubmittedMessage, validateResultsMessage } from './results-message.schema.js';

const ID = '0b7c6f1e-8a5d-4c3b-9e2f-1a2b3c4d5e6f';

describe('results messages', () => {
  it('announces a KCIDB submission by id, with a message id derived from it', () => {
    expect(kcidbSubmittedMessage(ID, ['myci'])).toEqual({
      subject: 'results.kcidb.submitted',
      msgId: `kcidb-${ID}`,
      payload: { type: 'kcidb.submitted', submissionId: ID, origins: ['myci'] },
    });
  });

  it('validates what it announces', () => {
    const { subject, payload } = kcidbSubmittedMessage(ID, ['myci', 'other_ci']);
    expect(validateResultsMessage(subject, JSON.parse(JSON.stringify(payload)))).toEqual(payload);
  });

  it('names the field that is wrong', () => {
    expect(() =>
      validateResultsMessage('results.kcidb.submitted', { type: 'kcidb.submitted', submissionId: 42, origins: [] }),
    ).toThrow(/^message on results\.kcidb\.submitted: submissionId: /);
    expect(() => validateResultsMessage('results.kcidb.submitted', { submissionId: ID, origins: [] })).toThrow(
      ValidationError,
    );
  });

  it('refuses a subject that carries no results message', () => {
    expect(() => validateResultsMessage('upstream.push.branch', {})).toThrow(
      'subject upstream.push.branch is not a results subject ([<instance>.]results.kcidb.submitted)',
    );
  });
});
