import { describe, expect, it } from '@jest/globals';
import { loadCommonConfig } from './common.config.js';
import { instanceNameProblem } from './instance.name.js';

describe('PACKFLOW_INSTANCE', () => {
  it('is read into the common config of every service', () => {
    expect(loadCommonConfig({ PACKFLOW_INSTANCE: 'local-1a2b3c4d' }).instance).toBe('local-1a2b3c4d');
    expect(loadCommonConfig({}).instance).toBeUndefined();
  });

  it('refuses names that are no subject token or would overlap the default subjects, saying why', () => {
    for (const bad of ['Dev', 'dev.a', 'dev a', '-dev', 'x'.repeat(33), 'a>'])
      expect(instanceNameProblem(bad)).toMatch(/lowercase/);
    expect(instanceNameProblem('upstream')).toMatch(/cannot name an instance/);
    expect(() => loadCommonConfig({ PACKFLOW_INSTANCE: 'results' })).toThrow(
      /PACKFLOW_INSTANCE: .*cannot name an instance \(got "results"\)/,
    );
  });
});
