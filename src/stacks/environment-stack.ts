import type { Construct } from 'constructs';
import type { EnvironmentModel, PlatformModel } from '../config';
import { teamOf } from '../config';
import { FastishStack, type FastishStackProps, StackDeployment } from '../constructs/fastish-stack';

export interface EnvironmentStackProps {
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
  /** Who deploys the stack. @default StackDeployment.BOOTSTRAP_ROLES */
  readonly deployment?: StackDeployment;
  /** @default true when the environment's releases need approval */
  readonly terminationProtection?: boolean;
}

/**
 * The one place a stack's config (platform and environment models) becomes `FastishStackProps`:
 * names, account, region and zones of the environment, the owning team's tags, the organization's tags.
 */
export function fastishStackProps(props: EnvironmentStackProps): FastishStackProps {
  const { platform, environment: env } = props;
  const team = teamOf(platform, props.team ?? platform.organization.platformTeam);
  return {
    organization: platform.organization.name,
    environmentName: env.name,
    account: env.account,
    region: env.region,
    qualifier: env.qualifier,
    architecture: props.architecture,
    stackName: env.naming.stackName(props.architecture),
    availabilityZones: [...env.availabilityZones],
    team: team.name,
    costCenter: team.costCenter,
    tags: { ...platform.tags },
    deployment: props.deployment ?? StackDeployment.BOOTSTRAP_ROLES,
    terminationProtection: props.terminationProtection ?? env.approval === 'required',
  };
}

/**
 * A Fastish stack built from the config: the app's stacks extend this, keep the models at hand, and
 * map them to the public constructs' props.
 */
export class EnvironmentStack extends FastishStack {
  readonly platform: PlatformModel;
  /** The environment model (`Stack.environment` is CDK's `aws://account/region` string). */
  readonly fastishEnv: EnvironmentModel;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, fastishStackProps(props));
    this.platform = props.platform;
    this.fastishEnv = props.environment;
  }
}
