// `npm run test:faults`: the tests that take minutes (killed workers, stopped servers, hundreds of
// real CLI runs), on the same real servers as `npm test`. GR_RECORD_HISTORIES=1 also rewrites
// test/histories/*.json (see docs/RELIABILITY.md).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.fault.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  testTimeout: 300_000,
  maxWorkers: 1,
  maxConcurrency: 8,
  reporters: [['default', { summaryThreshold: 0 }]],
};
