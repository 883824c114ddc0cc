import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** Every `.ts` file under `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The file a relative module specifier names (`./x` → `x.ts` or `x/index.ts`), if it is TypeScript. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts'), base].find((p) => p.endsWith('.ts') && existsSync(p));
}

/**
 * The modules a file loads when it runs: static `import`/`export … from` of relative paths, without
 * type-only ones (`import type`, `export type`, or every named binding `type`), which compile away.
 * Lazy `import()` and `require()` calls are not edges: they load on use, after both modules exist.
 */
export function runtimeImports(file: string): string[] {
  return relativeImports(file, false);
}

/** Every relative module a file names in a static `import`/`export … from`, type-only ones included. */
export function allImports(file: string): string[] {
  return relativeImports(file, true);
}

function relativeImports(file: string, withTypeOnly: boolean): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const out: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(statement)) {
      specifier = statement.moduleSpecifier;
      const clause = statement.importClause;
      const named = clause?.namedBindings;
      typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!named &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
    } else if (ts.isExportDeclaration(statement)) {
      specifier = statement.moduleSpecifier;
      const clause = statement.exportClause;
      typeOnly =
        statement.isTypeOnly ||
        (!!clause &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
    }
    if (!specifier || !ts.isStringLiteral(specifier) || (typeOnly && !withTypeOnly)) continue;
    if (!specifier.text.startsWith('.')) continue;
    const target = resolveRelative(file, specifier.text);
    if (target) out.push(target);
  }
  return out;
}

/**
 * The import circles among `files`: each strongly connected component of the import graph with more
 * than one module, or a module importing itself (Tarjan's algorithm), as paths relative to `root`, each
 * circle sorted. Runtime imports only, unless `withTypeOnly` (a type-only circle still ties two modules
 * into one unit for the reader and the compiler).
 */
export function importCircles(files: readonly string[], root: string, withTypeOnly = false): string[][] {
  const edges = new Map(files.map((f) => [f, relativeImports(f, withTypeOnly)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (edges.get(v) ?? []).includes(v)) {
      circles.push(component.map((f) => relative(root, f)).sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return circles;
}
