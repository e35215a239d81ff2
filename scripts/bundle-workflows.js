#!/usr/bin/env node
// Build step (after tsc): the workflow bundle workers load, dist/workflow-bundle.js.
'use strict';
const { writeWorkflowBundle, buildIdOf } = require('../dist/workflowBundle.js');
const { readFileSync } = require('node:fs');

writeWorkflowBundle().then(
  (file) => process.stdout.write(`workflow bundle ${file} (build ${buildIdOf(readFileSync(file, 'utf8'))})\n`),
  (err) => {
    process.stderr.write(`bundle-workflows: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
