// Preloaded with `node -r` into a CLI process: at exit, writes the packages it loaded (one JSON line on fd 3).
'use strict';
const fs = require('node:fs');

process.on('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (m) packages.add(m[1]);
  }
  fs.writeSync(3, `${JSON.stringify([...packages].sort())}\n`);
});
