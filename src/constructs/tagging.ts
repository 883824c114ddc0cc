import { Aspects, CfnResource, type IAspect, TagManager, Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { factsOf } from '../checks/spec';

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
  Aspects.of(scope).add(new RawResourceTags(tags));
}

/**
 * CDK creates some resources as plain `CfnResource`s (custom-resource provider roles and functions,
 * the EKS kubectl barrier parameter), which `Tags.of` cannot reach because they have no tag manager.
 * This aspect writes the tags into such resources when the CloudFormation resource specification
 * says their type is taggable, so `FST-TAG1` (tag coverage) holds for every resource.
 */
class RawResourceTags implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || TagManager.isTaggable(node)) return;
    const type = node.cfnResourceType;
    if (
      type.startsWith('Custom::') ||
      type === 'AWS::CloudFormation::CustomResource' ||
      type === 'AWS::CDK::Metadata'
    )
      return;
    const info = factsOf(type)?.tags;
    if (!info) return;
    const existing = (node as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties?.[
      info.property
    ];
    if (existing !== undefined) return; // tags set by the author: left alone (the gate reports gaps)
    const keys = Object.keys(this.tags).sort();
    if (info.variant === 'map') {
      node.addPropertyOverride(info.property, Object.fromEntries(keys.map((k) => [k, this.tags[k]])));
    } else {
      node.addPropertyOverride(
        info.property,
        keys.map((k) => ({
          Key: k,
          Value: this.tags[k],
          ...(info.variant === 'asg' ? { PropagateAtLaunch: true } : {}),
        })),
      );
    }
  }
}
