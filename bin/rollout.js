#!/usr/bin/env node
'use strict';
let cli;
try {
  cli = require('../dist/cli/index.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('rollout: not built yet: run npm ci (or npm run build) in the repository first\n');
    process.exit(1);
  }
  throw err;
}
cli.main(process.argv).catch((err) => {
  process.stderr.write(`rollout: ${err && err.message ? err.message.split('\n')[0] : String(err)}\n`);
  process.exitCode = 1;
});
