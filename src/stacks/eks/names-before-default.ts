import { AspectPriority, Aspects, type IAspect, TagManager } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct, IConstruct } from 'constructs';

/**
 * The config-driven stacks wrap their architecture's construct as the stack's `Default` child, which CDK
 * leaves out of logical IDs. A few values carry the construct path itself: `Name` tags (VPC, subnets,
 * flow log, launch template) and the descriptions of CDK's provider functions. This rewrites those paths
 * as they were before the wrapper, so a deployed stack sees no change at all.
 */
export function namesAsBeforeDefault(wrapper: Construct): void {
  const from = `${wrapper.node.path}/`;
  const to = `${wrapper.node.path.replace(/\/Default$/, '')}/`;
  if (from === to) return;
  const rewrite = (value: string) => value.split(from).join(to);
  const aspect: IAspect = {
    visit(node: IConstruct) {
      // Taggable L1s, and L2s with tags of their own (a launch template's instance and volume tags).
      if (TagManager.isTaggable(node)) {
        for (const [key, value] of Object.entries(node.tags.tagValues())) {
          // Above the Tags aspect's priority (100): this value wins.
          if (value.includes(from)) node.tags.setTag(key, rewrite(value), 1000);
        }
      }
      if (node instanceof lambda.CfnFunction && node.description?.includes(from)) {
        node.description = rewrite(node.description);
      }
    },
  };
  // After the Tags aspects (MUTATING) have set the tags this reads.
  Aspects.of(wrapper).add(aspect, { priority: AspectPriority.MUTATING + 1 });
}
