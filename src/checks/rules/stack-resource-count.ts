import { sectionQuotaRule } from '../types';

/** CloudFormation's hard limit of resources in one stack. */
export const MAX_RESOURCES = 500;

/** FST-CFN1: at most 500 resources per stack. */
export const stackResourceCount = sectionQuotaRule({
  id: 'FST-CFN1',
  name: 'stack-resource-count',
  description: `A stack holds at most ${MAX_RESOURCES} resources (CloudFormation quota); split the stack before it grows past it.`,
  section: 'Resources',
  noun: 'resources',
  max: MAX_RESOURCES,
});
