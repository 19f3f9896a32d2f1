/** jest over real PostgreSQL and a real Temporal dev server (see tests/setup/global-setup.ts). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } },
    ],
  },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // The fast tier has its own config (jest.unit.config.js) and needs none of the services below.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/unit/'],
  globalSetup: '<rootDir>/tests/setup/global-setup.ts',
  globalTeardown: '<rootDir>/tests/setup/global-teardown.ts',
  // One database, one task queue and one worker process per jest worker.
  maxWorkers: 2,
  testTimeout: 90_000,
  verbose: true,
};
