import type { Construct } from 'constructs';
import { FastishBootstrap } from '../../constructs/bootstrap/bootstrap';
import type { DeploymentRoles } from '../../constructs/bootstrap/deployment-roles';
import type { HandshakeRole } from '../../constructs/bootstrap/handshake-role';
import type { WorkloadBoundary } from '../../constructs/bootstrap/workload-boundary';
import { StackDeployment } from '../../constructs/synthesizer';
import { EnvironmentStack, type EnvironmentStackProps } from '../environment-stack';
import { bootstrapProps } from './props-from-config';

export type BootstrapStackProps = Omit<EnvironmentStackProps, 'architecture' | 'deployment'>;

/**
 * The environment's "synthesizer": the `FastishBootstrap` construct built from the config. Deployed
 * with the operator's own credentials and an inline template (it creates the roles and the bucket
 * every other stack deploys with), so it holds only what does not grow with the config: team roles
 * live in the `teams` stack, deployed next by the operator with its template in the assets bucket.
 */
export class BootstrapStack extends EnvironmentStack {
  /** The construct; its id `Default` keeps the resources' logical ids those of the stack's children. */
  readonly bootstrap: FastishBootstrap;
  readonly roles: DeploymentRoles;
  readonly handshake: HandshakeRole;
  /** The permissions boundary of every workload role (`FastishStack` applies it by name). */
  readonly boundary: WorkloadBoundary;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id, { ...props, architecture: 'bootstrap', deployment: StackDeployment.OPERATOR });
    this.bootstrap = new FastishBootstrap(this, 'Default', bootstrapProps(this.platform, this.fastishEnv));
    this.roles = this.bootstrap.roles;
    this.handshake = this.bootstrap.handshake;
    this.boundary = this.bootstrap.boundary;
  }
}
