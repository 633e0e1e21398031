import { describe, expect, it } from '@jest/globals';
import { formatCheckRunId, parseCheckRunId } from './check-run.id.js';

describe('check-run id', () => {
  it('reads back the pipeline, step and target the reporter wrote (chroots with dashes and colons too)', () => {
    for (const target of ['fedora-41-x86_64', 'srpm-builds', 'centos-stream-10-x86_64:fast']) {
      const ref = { pipelineId: '12', stepId: '345', target };
      expect(parseCheckRunId(formatCheckRunId(ref))).toEqual(ref);
    }
  });

  it('is undefined for a check run packflow did not create', () => {
    expect(parseCheckRunId(null)).toBeUndefined();
    expect(parseCheckRunId('')).toBeUndefined();
    expect(parseCheckRunId('packit:12:fedora-41-x86_64')).toBeUndefined();
    expect(parseCheckRunId('12:fedora')).toBeUndefined();
  });
});
