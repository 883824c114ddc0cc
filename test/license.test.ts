import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Licenses that would oblige Fastish's users (Apache-2.0) to share their own code. */
const COPYLEFT = /^(A?GPL|LGPL|SSPL|EUPL|OSL|CPAL|RPL|Sleepycat|CC-BY-SA)/i;

/** Whether an SPDX expression can be used without a copyleft license: `A OR B` needs one free branch. */
function permissive(expression: string): boolean {
  const e = expression.replace(/[()]/g, '').trim();
  if (e.includes(' OR ')) return e.split(' OR ').some(permissive);
  if (e.includes(' AND ')) return e.split(' AND ').every(permissive);
  return !COPYLEFT.test(e);
}

interface LockPackage {
  readonly license?: string;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
}

/** Packages of a lockfile that are installed for production (not dev-only). */
function runtimePackages(lockfile: string): [string, LockPackage][] {
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as { packages: Record<string, LockPackage> };
  return Object.entries(lock.packages).filter(([path, p]) => path !== '' && !p.dev && !p.devOptional);
}

const root = join(__dirname, '..');

describe('license hygiene of the runtime dependency graph', () => {
  it('reads SPDX expressions as a lawyer would', () => {
    expect(permissive('MIT')).toBe(true);
    expect(permissive('(MIT OR GPL-3.0-or-later)')).toBe(true);
    expect(permissive('AGPL-3.0-or-later')).toBe(false);
    expect(permissive('MIT AND GPL-2.0')).toBe(false);
  });

  it('package-lock.json (the published package): every production package has a license, none copyleft', () => {
    const packages = runtimePackages(join(root, 'package-lock.json'));
    expect(packages.length).toBeGreaterThan(10);
    const offending = packages
      .filter(([, p]) => !p.license || !permissive(p.license))
      .map(([path, p]) => `${path}: ${p.license ?? 'no license'}`);
    expect(offending).toEqual([]);
  });

  it('web/package-lock.json (the console app): no copyleft but libvips, dynamically loaded', () => {
    // Next.js's image optimizer (sharp) loads prebuilt libvips binaries, LGPL-3.0: used unmodified and
    // dynamically linked, which the LGPL allows an Apache-2.0 app without relicensing. Nothing else.
    const dynamicallyLinked = /^node_modules\/@img\/sharp-(libvips-|wasm32|win32-)/;
    const packages = runtimePackages(join(root, 'web', 'package-lock.json'));
    expect(packages.length).toBeGreaterThan(10);
    const offending = packages
      .filter(([path, p]) => !p.license || (!permissive(p.license) && !dynamicallyLinked.test(path)))
      .map(([path, p]) => `${path}: ${p.license ?? 'no license'}`);
    expect(offending).toEqual([]);
  });

  it('keeps the AGPL IAM evaluator a development dependency', () => {
    const dev = new Map(runtimePackages(join(root, 'package-lock.json')));
    expect(dev.has('node_modules/@cloud-copilot/iam-simulate')).toBe(false);
    expect(dev.has('node_modules/@cloud-copilot/iam-policy')).toBe(false);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.dependencies)).not.toContain('@cloud-copilot/iam-simulate');
    expect(Object.keys(pkg.devDependencies)).toContain('@cloud-copilot/iam-simulate');
  });
});
