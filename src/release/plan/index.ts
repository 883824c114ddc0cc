export { type AssemblyStack, readAssembly, type Template } from './assembly';
export * from './diff';
export { planJson, renderPlan, table } from './render';
export { resourceTypeFacts, statefulReason } from './resource-facts';
export {
  loadSource,
  type PlanSource,
  parseSource,
  planBaseCache,
  planSides,
  type SynthContext,
  synthGitRef,
} from './sources';
