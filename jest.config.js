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

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{services,shared,migrations,test}/**/*.{spec,test,e2e}.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/shared/testing/src/jest/global-setup.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
