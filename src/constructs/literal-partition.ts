import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The feature flag that makes `Stack.partition` a literal for a stack in a known region. */
export const PARTITION_LITERALS_FLAG = '@aws-cdk/core:enablePartitionLiterals';

/**
 * Fastish constructs name their cdk-nag acknowledgements after the resource ARNs they grant, and cdk-nag
 * matches those names only when the partition is a literal: with a token, synth would fail deep inside
 * CDK (`KeyMustResolveToString`). So they need a stack with an explicit region and aws-cdk-lib's
 * partition-literal flag (among the recommended flags `cdk init` writes), and say so up front.
 */
export function requireLiteralPartition(scope: IConstruct): void {
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.partition)) return;
  const why = Token.isUnresolved(stack.region)
    ? 'its stack has no explicit region (env: { account, region })'
    : `the app does not set the feature flag "${PARTITION_LITERALS_FLAG}": true (cdk.json context; cdk init sets it)`;
  throw new Error(`${scope.node.path}: needs a literal AWS partition, but ${why}`);
}
