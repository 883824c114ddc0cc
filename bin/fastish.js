#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (a runtime dependency): no build step after `npm ci`.
// Both of tsx's loaders, as the `tsx` command installs them: `require` of .ts files (tsx/cjs) and the
// ESM loader, through which Node sends the commands' lazy `import()`s of extension-less modules.
// (tsx/esm/api is imported, not required: its CommonJS build resolves its hooks module wrongly.)
const io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
// A reader that stops early (`fastish … | head`) closes the pipe: that ends the output, not in a crash.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

import('tsx/esm/api')
  .then(({ register }) => {
    register();
    require('tsx/cjs');
    const { main } = require('../src/cli/main.ts');
    return main(process.argv.slice(2));
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      const { reportError } = require('../src/cli/main.ts');
      process.exitCode = reportError(err, io);
    },
  );
