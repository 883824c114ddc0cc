import type { FastishRule } from '../types';

/** CloudFormation's hard limit of resources in one stack. */
export const MAX_RESOURCES = 500;

/** FST-CFN1: at most 500 resources per stack. */
export const stackResourceCount: FastishRule = {
  id: 'FST-CFN1',
  name: 'stack-resource-count',
  description: `A stack holds at most ${MAX_RESOURCES} resources (CloudFormation quota); split the stack before it grows past it.`,
  severity: 'error',
  check({ template }) {
    const count = Object.keys(template.Resources ?? {}).length;
    return count > MAX_RESOURCES
      ? [{ message: `stack has ${count} resources; CloudFormation allows ${MAX_RESOURCES}` }]
      : [];
  },
};
