import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { defaultQualifier, Naming, type NamingContext } from '../naming';
import { StackDeployment, synthesizerFor } from './synthesizer';
import { applyFastishTags } from './tagging';

export { StackDeployment } from './synthesizer';

export interface FastishStackProps {
  /** Organization name: the first part of every physical name (`<org>-<env>-…`). */
  readonly organization: string;
  /** Environment name (`dev`, `prod`): the second part of every physical name. */
  readonly environmentName: string;
  /** AWS account the stack deploys to. Explicit: synth never looks anything up. */
  readonly account: string;
  /** AWS region the stack deploys to. */
  readonly region: string;
  /**
   * CDK bootstrap qualifier of the environment: names the Fastish bootstrap resources (assets
   * bucket, deployment roles, permissions boundary) this stack's synthesizer uses.
   * @default - derived from organization and environment name, as the bootstrap stack derives it
   */
  readonly qualifier?: string;
  /** Architecture name (`bootstrap`, `webapp`, `eks`, `druid`, `release`); the stack name suffix. */
  readonly architecture: string;
  /**
   * Stack name.
   * @default `<organization>-<environmentName>-<architecture>`, fitted to CloudFormation's limit
   */
  readonly stackName?: string;
  /**
   * Availability zones the stack's constructs spread over.
   * @default - CDK's own (`Stack.availabilityZones`: unresolved tokens, no lookup)
   */
  readonly availabilityZones?: string[];
  /**
   * Team that owns the stack's resources (`fastish:team` tag).
   * @default 'platform'
   */
  readonly team?: string;
  /**
   * Cost center of the owning team (`fastish:cost-center` tag).
   * @default - the team name
   */
  readonly costCenter?: string;
  /**
   * Further tags on every taggable resource of the stack.
   * @default - only the `fastish:*` tags
   */
  readonly tags?: Record<string, string>;
  /**
   * Who deploys the stack, which decides its synthesizer. Stacks deployed through the Fastish
   * deployment roles also give every IAM role they create the environment's permissions boundary.
   * @default StackDeployment.BOOTSTRAP_ROLES
   */
  readonly deployment?: StackDeployment;
  /**
   * Refuse stack deletion.
   * @default false
   */
  readonly terminationProtection?: boolean;
  /**
   * Stack description.
   * @default - none
   */
  readonly description?: string;
}

/**
 * Base of every Fastish stack: name `<org>-<env>-<arch>`, explicit account/region/AZs (no lookups),
 * the synthesizer of the Fastish bootstrap resources, Fastish tags on every resource, and the
 * environment's permissions boundary on every role when deployed through the deployment roles.
 */
export class FastishStack extends Stack {
  /**
   * Organization, environment, account, region and qualifier of the stack: pass it as the `naming` of
   * the Fastish constructs in this stack, so their names and the stack's synthesizer agree.
   */
  readonly namingContext: NamingContext;
  /** The environment name (`Stack.environment` is CDK's `aws://account/region` string). */
  readonly environmentName: string;
  readonly architecture: string;
  readonly team: string;
  private readonly zones?: string[];

  constructor(scope: Construct, id: string, props: FastishStackProps) {
    const naming = new Naming({
      organization: props.organization,
      environment: props.environmentName,
      account: props.account,
      region: props.region,
      qualifier: props.qualifier ?? defaultQualifier(props.organization, props.environmentName),
    });
    const deployment = props.deployment ?? StackDeployment.BOOTSTRAP_ROLES;
    super(scope, id, {
      stackName: props.stackName ?? naming.stackName(props.architecture),
      env: { account: props.account, region: props.region },
      synthesizer: synthesizerFor(naming, deployment),
      terminationProtection: props.terminationProtection ?? false,
      analyticsReporting: false,
      ...(props.description !== undefined ? { description: props.description } : {}),
    });
    this.namingContext = naming.context;
    this.environmentName = props.environmentName;
    this.architecture = props.architecture;
    this.team = props.team ?? 'platform';
    if (props.availabilityZones) this.zones = [...props.availabilityZones];
    applyFastishTags(this, {
      environment: props.environmentName,
      team: this.team,
      costCenter: props.costCenter ?? this.team,
      architecture: props.architecture,
      extra: props.tags ?? {},
    });
    if (deployment === StackDeployment.BOOTSTRAP_ROLES) {
      // Every role a workload stack creates carries the environment's boundary: the execution role may
      // create no role without it (see the bootstrap's WorkloadBoundary).
      const boundary = `arn:${this.partition}:iam::${props.account}:policy/${naming.boundaryPolicyName()}`;
      iam.PermissionsBoundary.of(this).apply(
        iam.ManagedPolicy.fromManagedPolicyArn(this, 'WorkloadBoundary', boundary),
      );
    }
  }

  /** Zones come from the props when given: synth never asks AWS. */
  override get availabilityZones(): string[] {
    return this.zones ? [...this.zones] : super.availabilityZones;
  }
}
