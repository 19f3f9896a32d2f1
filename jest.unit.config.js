/** The fast tier: pure rules, presenters, schemas, and workflows against test doubles. No PostgreSQL. */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 30_000,
};
