import { sectionQuotaRule } from '../types';

export const MAX_OUTPUTS = 200;

/** FST-CFN3: at most 200 outputs per stack. */
export const stackOutputCount = sectionQuotaRule({
  id: 'FST-CFN3',
  name: 'stack-output-count',
  description: `A stack declares at most ${MAX_OUTPUTS} outputs (CloudFormation quota).`,
  section: 'Outputs',
  noun: 'outputs',
  max: MAX_OUTPUTS,
});
