export * from './deploy';
export { checksGate, type DeployGate, type GateResult } from './gates';
export { DeployIoHost, type DeployIoHostProps } from './io-host';
export { type HealthProbes, networkProbes } from './probes';
export { deployExitCode, renderDeployReport } from './render';
