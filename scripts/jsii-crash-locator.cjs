// Preloaded into jsii by scripts/jsii.ts. jsii 5.9 crashes (JSII9997 "Cannot read properties of undefined")
// on some types it should reject, e.g. an intersection that collapses to one type, and the crash names no
// file. This wraps the assembler's member visitors so the crash says which type and member it was on.
// Best effort: if jsii's internals change, it does nothing.
try {
  const { dirname, join, relative } = require('node:path');
  // jsii's `exports` hide lib/assembler.js from a plain require; resolve it beside the package's main.
  const main = require.resolve('jsii', { paths: [process.cwd()] });
  const { Assembler } = require(join(dirname(main), 'assembler.js'));
  for (const method of ['_visitProperty', '_visitMethod']) {
    const original = Assembler.prototype[method];
    if (typeof original !== 'function') continue;
    Assembler.prototype[method] = function locate(symbol, type, ...rest) {
      try {
        return original.call(this, symbol, type, ...rest);
      } catch (err) {
        const decl = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
        const file = decl?.getSourceFile();
        const at = file
          ? `${relative(process.cwd(), file.fileName)}:${file.getLineAndCharacterOfPosition(decl.getStart()).line + 1} - `
          : '';
        process.stderr.write(
          `${at}error JSII9997: jsii crashed on ${type?.fqn ?? '?'}#${symbol?.name ?? '?'} (${err.message}): ` +
            'make this member a plain jsii type (no intersections, unions or branded types)\n',
        );
        throw err;
      }
    };
  }
} catch {
  // jsii's layout changed: run without the locator.
}
