#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (a runtime dependency): no build step after `npm ci`.
require('tsx/cjs');
const { main, reportError } = require('../src/cli/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = reportError(err, {
      out: (t) => process.stdout.write(t),
      err: (t) => process.stderr.write(t),
    });
  },
);
