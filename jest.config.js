// One jest run covers the whole workspace: unit specs next to the code, integration
// specs against real PostgreSQL and NATS, end-to-end tests in test/, and the
// conformance suite that reads ../shared/fixtures when that folder exists.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

import { existsSync } from 'node:fs';

// The conformance suite (*.conformance.ts) reads ../shared/fixtures and runs whenever
// that folder exists.
const fixtures = existsSync(new URL('../shared/fixtures/', import.meta.url));

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // *.spec.ts: unit (no I/O); *.test.ts: integration (real PostgreSQL and NATS);
  // *.e2e.ts: services end to end with fakes; *.conformance.ts: against ../shared/fixtures.
  testMatch: [`<rootDir>/{services,shared,migrations,test}/**/*.{spec,test,e2e${fixtures ? ',conformance' : ''}}.ts`],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/shared/testing/src/jest/global-setup.mjs',
  reporters: ['default', '<rootDir>/tools/jest-summary.reporter.mjs'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
