/**
 * Loads cdk-nag without the aws-cdk-lib service modules its rules only test membership of.
 *
 * cdk-nag's rule modules require ~55 aws-cdk-lib service modules (QuickSight, SageMaker, Glue, ...) and
 * use their L1 classes in one way only: `node instanceof aws_quicksight.CfnDataSource`. aws-cdk-lib loads
 * a service's L1 classes when one is first read, so the first `validateScope` on any stack reads every
 * one of them: ~13.5 MB of generated code, half of what an EKS stack's process loads, for resource types
 * no Fastish stack has.
 *
 * The answer to such a test is known without the class while its file has not run: instances of a class
 * exist only after the file defining it ran, and Node records a file in its module cache before running
 * it. So cdk-nag gets, for each service module, a view whose `Cfn*` members answer `instanceof` with
 * `false` while the file defining the class (`lib/<service>.generated.js` for an L1 class; the service's
 * lazy index names it) is not in the module cache, and with the real class's answer from then on. Every
 * other member, and every member once read by anyone else, is the real one. The findings are cdk-nag's
 * (test/checks/nag-loader.test.ts runs both ways and reads the facts above from the installed packages).
 */
import { readFileSync } from 'node:fs';
import { Module } from 'node:module';
import { dirname, join, sep } from 'node:path';

interface LoadStatics {
  _load(request: string, parent: NodeModule | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: NodeModule | undefined, isMain: boolean): string;
  _cache: NodeJS.Dict<NodeModule>;
}

/** The requests cdk-nag's rules make for service modules, e.g. `aws-cdk-lib/aws-quicksight`. */
const SERVICE_MODULE = /^aws-cdk-lib\/aws-[a-z0-9-]+$/;
const NAG_PACKAGE = `${sep}node_modules${sep}cdk-nag${sep}`;
/**
 * One export of aws-cdk-lib's lazy index (a service's `lib/index.js`) and the file its getter loads:
 * `_noFold="CfnDataSource",{enumerable:!0,configurable:!0,get:()=>{var value=require("./quicksight.generated").CfnDataSource;`
 */
const LAZY_EXPORT =
  /_noFold="(\w+)",\{enumerable:!0,configurable:!0,get:\(\)=>\{var value=require\("(\.\/[\w.-]+)"\)\.\1;/g;

/**
 * Export name → the file that defines it, read from the text of a service's lazy index (`lib/index.js`)
 * without running it (running it loads the service's augmentations). Exports the index does not define
 * this way are absent.
 */
export function classFiles(libIndex: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of readFileSync(libIndex, 'utf8').matchAll(LAZY_EXPORT)) {
    files.set(m[1] as string, join(dirname(libIndex), `${m[2]}.js`));
  }
  return files;
}

/**
 * The view of one service module's exports (`aws-cdk-lib/aws-<service>`) that cdk-nag's rules get.
 * `libIndex` is the service's `lib/index.js`, whose lazy getters name the file defining each class.
 */
export function lazyServiceModule(exports: object, libIndex: string): object {
  const statics = Module as unknown as LoadStatics;
  let files: Map<string, string> | undefined;
  const standIns = new Map<string, object>();
  return new Proxy(exports, {
    get(target, name) {
      // A member read already (a data property now) is the real one; so is any but a lazy `Cfn*` class.
      if (typeof name !== 'string' || !name.startsWith('Cfn')) return Reflect.get(target, name);
      if (!Reflect.getOwnPropertyDescriptor(target, name)?.get) return Reflect.get(target, name);
      let standIn = standIns.get(name);
      if (!standIn) {
        files ??= classFiles(libIndex);
        const file = files.get(name);
        if (!file) return Reflect.get(target, name);
        const real = () => Reflect.get(target, name) as (...args: unknown[]) => unknown;
        // No instance exists before the defining file ran; Node caches a module before running it.
        const hasInstance = (value: unknown) => statics._cache[file] !== undefined && value instanceof real();
        // Only `instanceof` is answered without the class; any other use reads the real one.
        standIn = new Proxy(function standIn() {}, {
          get: (_, key) => (key === Symbol.hasInstance ? hasInstance : Reflect.get(real(), key)),
          apply: (_, self, args) => Reflect.apply(real(), self, args),
          construct: (_, args, newTarget) => Reflect.construct(real(), args, newTarget),
        });
        standIns.set(name, standIn);
      }
      return standIn;
    },
  });
}

/**
 * cdk-nag's module, loaded with `lazyServiceModule` views for its rules' service modules. A cdk-nag
 * loaded before (by the app, say) is returned as it is.
 */
export function loadCdkNag(): typeof import('cdk-nag') {
  const statics = Module as unknown as LoadStatics;
  const nodeLoad = statics._load;
  const views = new WeakMap<object, object>();
  statics._load = function load(request, parent, isMain) {
    const exports = nodeLoad.call(this, request, parent, isMain);
    if (!parent?.filename?.includes(NAG_PACKAGE) || !SERVICE_MODULE.test(request)) return exports;
    if (typeof exports !== 'object' || exports === null) return exports;
    let view = views.get(exports);
    if (!view) {
      const index = statics._resolveFilename(request, parent, false);
      view = lazyServiceModule(exports, join(dirname(index), 'lib', 'index.js'));
      views.set(exports, view);
    }
    return view;
  };
  try {
    return require('cdk-nag') as typeof import('cdk-nag');
  } finally {
    // cdk-nag requires every rule module when it loads: nothing is required through the hook afterwards.
    statics._load = nodeLoad;
  }
}
