// The bootstrap architecture's public constructs (re-exported by src/index.ts).
export { type BootstrapPipeline, FastishBootstrap, type FastishBootstrapProps } from './bootstrap';
export {
  DeploymentRoles,
  type DeploymentRolesProps,
  type PipelineArtifacts,
  type PipelineRoles,
} from './deployment-roles';
export { HandshakeRole, type HandshakeRoleProps } from './handshake-role';
export { type TeamContributor, type TeamDefinition, TeamRoles, type TeamRolesProps } from './team-roles';
export { type ProtectedResources, WorkloadBoundary, type WorkloadBoundaryProps } from './workload-boundary';
