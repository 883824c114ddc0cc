import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface FastishTagValues {
  readonly environment: string;
  readonly team: string;
  readonly costCenter: string;
  readonly architecture: string;
  /** Extra organization tags from the config. */
  readonly extra?: Readonly<Record<string, string>>;
}

/** The tag keys every taggable resource carries. */
export const FASTISH_TAG_KEYS = [
  'fastish:environment',
  'fastish:team',
  'fastish:cost-center',
  'fastish:architecture',
  'fastish:managed-by',
] as const;

/**
 * Applies the Fastish tags to a scope. `Tags.of` registers one tagging aspect per key, which CDK
 * applies to every taggable resource below the scope at synth (including L1s and custom resources).
 */
export function applyFastishTags(scope: IConstruct, values: FastishTagValues): void {
  const tags: Record<string, string> = {
    ...values.extra,
    'fastish:environment': values.environment,
    'fastish:team': values.team,
    'fastish:cost-center': values.costCenter,
    'fastish:architecture': values.architecture,
    'fastish:managed-by': 'fastish',
  };
  for (const [key, value] of Object.entries(tags)) {
    Tags.of(scope).add(key, value);
  }
}
