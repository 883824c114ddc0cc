#!/usr/bin/env node
// The `fastish` command. An installed package runs the compiled CLI (dist/, built by `npm run build` before
// packing): plain Node.js, no TypeScript tooling at run time. In a source checkout (src/cli/main.ts beside
// this file; the package ships no src/cli) it runs the sources through tsx, a dev dependency, so an edit
// takes effect without a build and the tests exercise the sources; FASTISH_CLI=dist runs the build there.
// tsx's two loaders, as the `tsx` command installs them: `require` of .ts files (tsx/cjs) and the ESM
// loader, through which Node sends the commands' lazy `import()`s of extension-less modules.
// (tsx/esm/api is imported, not required: its CommonJS build resolves its hooks module wrongly.)
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
// A reader that stops early (`fastish … | head`) closes the pipe: that ends the output, not in a crash.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

const root = join(__dirname, '..');
const fromSource = existsSync(join(root, 'src', 'cli', 'main.ts')) && process.env.FASTISH_CLI !== 'dist';

/**
 * The CLI module: compiled, or the sources through tsx. Either way the module caches are on first
 * (src/cli/module-cache.ts): later runs neither compile aws-cdk-lib and the other modules nor resolve their requires again.
 */
function load() {
  if (fromSource) {
    return import('tsx/esm/api').then(({ register }) => {
      register();
      require('./register-sources.js').registerSources();
      return require('../src/cli/main.ts');
    });
  }
  const compiled = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(compiled)) {
    return Promise.reject(new Error(`the compiled CLI is missing (${compiled}): run \`npm run build\``));
  }
  require(join(root, 'dist', 'cli', 'module-cache.js')).enableModuleCaches();
  return Promise.resolve(require(compiled));
}

/**
 * Ends the process once its output is out. Left to itself, Node would first finish what V8 has under way
 * (a garbage collection cycle over a heap about to be dropped: ~30 ms of an EKS stack's synth) and wait
 * on anything a command left open. Writes to a pipe are asynchronous on some platforms: an empty write's
 * callback runs once everything written before it is out.
 */
function exit(code) {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}

let cli;
load()
  .then((module) => {
    cli = module;
    return cli.main(process.argv.slice(2));
  })
  .then(
    (code) => code,
    (err) => {
      if (cli) return cli.reportError(err, io);
      io.err(`fastish: error: ${err.message}\n`);
      return 1;
    },
  )
  .then(exit);
