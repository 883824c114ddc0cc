import type { FastishRule } from '../types';

export const MAX_OUTPUTS = 200;

/** FST-CFN3: at most 200 outputs per stack. */
export const stackOutputCount: FastishRule = {
  id: 'FST-CFN3',
  name: 'stack-output-count',
  description: `A stack declares at most ${MAX_OUTPUTS} outputs (CloudFormation quota).`,
  severity: 'error',
  check({ template }) {
    const count = Object.keys(template.Outputs ?? {}).length;
    return count > MAX_OUTPUTS
      ? [{ message: `stack has ${count} outputs; CloudFormation allows ${MAX_OUTPUTS}` }]
      : [];
  },
};
