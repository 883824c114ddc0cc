export * from './acknowledgements';
export { logicalIdPaths, type NagFinding, nagAcknowledgement, nagPacks, runNag } from './nag';
export { applyRules, FASTISH_RULES, type RuleFinding } from './pack';
export { type CheckReport, type Finding, type RunChecksOptions, runChecks, type StackReport } from './run';
export { factsOf, isStatefulType, resourceTypeFacts, statefulTypes } from './spec';
export * from './types';
