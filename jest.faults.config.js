// `npm run test:faults`: the tests that take minutes (killed workers, stopped servers, hundreds of
// real CLI runs), on the same real servers as `npm test`. GR_RECORD_HISTORIES=1 also rewrites
// test/histories/*.json (see docs/RELIABILITY.md).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/*.fault.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
  maxConcurrency: 8,
};
