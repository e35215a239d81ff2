#!/usr/bin/env node
// Build step (after tsc): dist/cli/schemas.js made one file with the part of zod its schemas use. zod's
// own build is ~95 modules, its every locale among them, ~60 ms to load; this file is ~90 KB and loads
// in a fraction of that, so a usage error a schema finds answers about as fast as any other.
'use strict';
const { renameSync, rmSync } = require('node:fs');
const path = require('node:path');
const webpack = require('webpack');

const DIR = path.resolve(__dirname, '..', 'dist', 'cli');
const OUT = 'schemas.bundle.js';

webpack(
  {
    mode: 'production',
    target: 'node',
    entry: path.join(DIR, 'schemas.js'),
    // zod's ES modules, so that what the schemas do not use is left out.
    resolve: { conditionNames: ['import', 'node', 'default'] },
    output: { path: DIR, filename: OUT, library: { type: 'commonjs2' } },
    devtool: false,
  },
  (err, stats) => {
    if (err || stats.hasErrors()) {
      process.stderr.write(`bundle-cli-schemas: ${err ? err.stack : stats.toString({ all: false, errors: true })}\n`);
      process.exit(1);
    }
    renameSync(path.join(DIR, OUT), path.join(DIR, 'schemas.js'));
    // tsc's source map was of the module this file replaces.
    rmSync(path.join(DIR, 'schemas.js.map'), { force: true });
    const { size } = stats.toJson({ all: false, assets: true }).assets[0];
    process.stdout.write(`cli schemas ${path.join(DIR, 'schemas.js')} (${Math.round(size / 1024)} KB, zod included)\n`);
  },
);
