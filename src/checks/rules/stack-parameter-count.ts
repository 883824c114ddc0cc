import { sectionQuotaRule } from '../types';

export const MAX_PARAMETERS = 200;

/** FST-CFN4: at most 200 parameters per stack. */
export const stackParameterCount = sectionQuotaRule({
  id: 'FST-CFN4',
  name: 'stack-parameter-count',
  description: `A stack declares at most ${MAX_PARAMETERS} parameters (CloudFormation quota).`,
  section: 'Parameters',
  noun: 'parameters',
  max: MAX_PARAMETERS,
});
