// `npm run test:cluster`: the production-shaped tier. The Temporal server proper (PostgreSQL
// persistence, SQL visibility, settings from deploy/temporal) instead of the dev server; the
// scenarios of test/cluster/*.cluster.ts. One file at a time: the server is shared.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/cluster/**/*.cluster.ts'],
  globalSetup: '<rootDir>/test/cluster/globalSetup.ts',
  testTimeout: 180_000,
  maxWorkers: 1,
};
