import type { FastishRule } from '../types';

export const MAX_PARAMETERS = 200;

/** FST-CFN4: at most 200 parameters per stack. */
export const stackParameterCount: FastishRule = {
  id: 'FST-CFN4',
  name: 'stack-parameter-count',
  description: `A stack declares at most ${MAX_PARAMETERS} parameters (CloudFormation quota).`,
  severity: 'error',
  check({ template }) {
    const count = Object.keys(template.Parameters ?? {}).length;
    return count > MAX_PARAMETERS
      ? [{ message: `stack has ${count} parameters; CloudFormation allows ${MAX_PARAMETERS}` }]
      : [];
  },
};
