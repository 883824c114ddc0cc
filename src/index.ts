/**
 * Fastish as a construct library: the constructs a CDK app composes beside its own resources.
 *
 * One line per architecture: each architecture lists its public constructs in its own
 * `src/constructs/<architecture>/index.ts`, so they change independently. Only classes, interfaces
 * and enums belong there (the jsii surface); the config-driven app (`src/app`, `src/stacks`, the CLI)
 * is not part of the library's API.
 */

export * from './constructs/bootstrap';
export * from './constructs/common';
export * from './constructs/druid';
export * from './constructs/eks';
export * from './constructs/webapp';
