import { NAME_RULES } from '../../naming/limits';
import type { FastishRule } from '../types';

/** FST-STACK1: stack names are what CloudFormation accepts: `[A-Za-z][A-Za-z0-9-]{0,127}`. */
export const stackName: FastishRule = {
  id: 'FST-STACK1',
  name: 'stack-name',
  description:
    'Stack names start with a letter, hold only letters, digits and hyphens, and are at most 128 characters.',
  severity: 'error',
  check({ stackName: name }) {
    const rule = NAME_RULES.stack;
    const problems: string[] = [];
    if (name.length > rule.maxLength)
      problems.push(`is ${name.length} characters; the limit is ${rule.maxLength}`);
    if (name.length < rule.minLength) problems.push('is empty');
    if (name.length > 0 && !rule.pattern.test(name)) problems.push(`does not match ${rule.pattern}`);
    return problems.map((p) => ({ message: `stack name "${name}" ${p}` }));
  },
};
