import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { EnvironmentModel, PlatformModel } from '../config';
import { teamOf } from '../config';
import { type DeployedBy, synthesizerFor } from './synthesizer';
import { applyFastishTags } from './tagging';

export interface FastishStackProps extends Omit<StackProps, 'env' | 'stackName' | 'synthesizer'> {
  /** The validated platform. */
  readonly platform: PlatformModel;
  /** The environment this stack belongs to. */
  readonly environment: EnvironmentModel;
  /** Architecture name: `bootstrap`, `webapp`, `eks`, `druid`, `release`. Also the stack name suffix. */
  readonly architecture: string;
  /**
   * Team that owns the stack's resources (tags, cost center).
   * @default the organization's platform team
   */
  readonly team?: string;
  /**
   * Who deploys the stack. `bootstrap-roles`: the toolkit assumes the environment's deploy role.
   * `operator`: the operator's own credentials, template sent inline (the bootstrap stack, which creates
   * the roles and the assets bucket, so nothing else can exist yet in a fresh account).
   * `operator-uploaded`: the operator's own credentials, template uploaded to the Fastish assets bucket
   * (stacks deployed by the operator after the bootstrap stack, with no inline size limit).
   * @default 'bootstrap-roles'
   */
  readonly deployedBy?: DeployedBy;
}

/**
 * Base of every Fastish stack: name `<org>-<env>-<arch>`, explicit account/region/AZs (no lookups),
 * the environment's synthesizer, Fastish tags, and termination protection where releases need approval.
 */
export class FastishStack extends Stack {
  readonly platform: PlatformModel;
  /** The environment model (`Stack.environment` is CDK's `aws://account/region` string). */
  readonly fastishEnv: EnvironmentModel;
  readonly architecture: string;
  readonly team: string;

  constructor(scope: Construct, id: string, props: FastishStackProps) {
    const env = props.environment;
    super(scope, id, {
      ...props,
      stackName: env.naming.stackName(props.architecture),
      env: { account: env.account, region: env.region },
      synthesizer: synthesizerFor(env, props.deployedBy ?? 'bootstrap-roles'),
      terminationProtection: props.terminationProtection ?? env.approval === 'required',
      analyticsReporting: false,
    });
    this.platform = props.platform;
    this.fastishEnv = env;
    this.architecture = props.architecture;
    this.team = props.team ?? props.platform.organization.platformTeam;
    const team = teamOf(props.platform, this.team);
    applyFastishTags(this, {
      environment: env.name,
      team: team.name,
      costCenter: team.costCenter,
      architecture: props.architecture,
      extra: props.platform.tags,
    });
    if ((props.deployedBy ?? 'bootstrap-roles') === 'bootstrap-roles') {
      // Every role a workload stack creates carries the environment's boundary: the execution role may
      // create no role without it (see the bootstrap stack's WorkloadBoundary).
      const boundary = `arn:${this.partition}:iam::${env.account}:policy/${env.naming.boundaryPolicyName()}`;
      iam.PermissionsBoundary.of(this).apply(
        iam.ManagedPolicy.fromManagedPolicyArn(this, 'WorkloadBoundary', boundary),
      );
    }
  }

  /** Zones come from config: synth never asks AWS. */
  override get availabilityZones(): string[] {
    return [...this.fastishEnv.availabilityZones];
  }
}
