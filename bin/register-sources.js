// Runs Fastish's TypeScript sources in a checkout, as bin/fastish.js does (and the benchmarks that measure
// it): tsx's CommonJS loader for the project's files; packages load with Node's own loader, exactly as the
// installed (compiled) CLI loads them. tsx's loader scans every JavaScript file it loads for ES module
// syntax — ~27 MB and ~0.3 s for a synth, spent on packages that are CommonJS. Then the module caches
// (src/cli/module-cache.ts). tsx's ESM loader, which the commands' lazy import()s need, is bin/fastish.js's.
const Module = require('node:module');
const { sep } = require('node:path');

const NODE_MODULES = `${sep}node_modules${sep}`;

function registerSources() {
  const nodeJs = Module._extensions['.js'];
  require('tsx/cjs');
  const tsxJs = Module._extensions['.js'];
  Module._extensions['.js'] = function js(module, filename) {
    return (filename.includes(NODE_MODULES) ? nodeJs : tsxJs).call(this, module, filename);
  };
  return require('../src/cli/module-cache.ts').enableModuleCaches();
}

module.exports = { registerSources };
