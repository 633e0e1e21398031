// Testing Farm notification callbacks (`{"request_id", "token", …}`) -> typed events.
// The token is checked by the scheduler against the one packflow gave that request and
// is never part of the event.
import { ignored, PayloadReader, type ParseResult } from './payload.reader.js';

export function parseTestingFarm(payload: unknown): ParseResult {
  const body = PayloadReader.of(payload, 'Testing Farm notification');
  const source = body.optStr('source');
  if (source && source !== 'testing-farm')
    return ignored(`notification from "${source}" is not acted on`, 'testing_farm.other');
  return {
    type: 'testing_farm.notification',
    source: 'testing-farm',
    project: null,
    ref: null,
    sha: null,
    actor: null,
    testingFarm: { requestId: body.str('request_id') },
  };
}

/** The token of a notification (a string, or null when missing). */
export function testingFarmToken(payload: unknown): string | null {
  const token = payload && typeof payload === 'object' ? (payload as Record<string, unknown>).token : undefined;
  return typeof token === 'string' && token.length > 0 ? token : null;
}
