import { fitName, shortHash } from './fit';
import type { NameKind } from './limits';

export interface NamingContext {
  readonly organization: string;
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** CDK bootstrap qualifier of the environment. */
  readonly qualifier: string;
}

/** Derives the default bootstrap qualifier: stable, 10 characters, distinct per org/environment. */
export function defaultQualifier(organization: string, environment: string): string {
  return `f${shortHash(`${organization}/${environment}`, 9)}`;
}

/**
 * The one place physical names come from. Every method returns a name that fits its AWS limit
 * (see `NAME_RULES`) or throws at synth; stacks never build names by string concatenation.
 */
export class Naming {
  constructor(readonly context: NamingContext) {}

  private get base(): string[] {
    return [this.context.organization, this.context.environment];
  }

  /** `<org>-<env>-<arch>` */
  stackName(architecture: string): string {
    return fitName('stack', [...this.base, architecture]);
  }

  /** A name scoped to the environment: `<org>-<env>-<parts…>`, fitted to the kind's limit. */
  name(kind: NameKind, ...parts: string[]): string {
    return fitName(kind, [...this.base, ...parts]);
  }

  /** Bucket names are global: they also carry account and region. */
  bucketName(purpose: string): string {
    return fitName('s3Bucket', [...this.base, purpose, this.context.account, this.context.region]);
  }

  /** IAM names are account-global: they carry the region so two regions of one account never clash. */
  roleName(purpose: string): string {
    return fitName('iamRole', [...this.base, purpose, this.context.region]);
  }

  /** Bootstrap resources are named after the qualifier, as the CDK synthesizer expects. */
  bootstrapRoleName(
    purpose: 'deploy' | 'cfn-exec' | 'file-publishing' | 'image-publishing' | 'lookup',
  ): string {
    return fitName('iamRole', [
      'fastish',
      this.context.qualifier,
      purpose,
      this.context.account,
      this.context.region,
    ]);
  }

  /** The permissions boundary every role of a workload stack carries (account-global, so region too). */
  boundaryPolicyName(): string {
    return fitName('iamPolicy', ['fastish', this.context.qualifier, 'boundary', this.context.region]);
  }

  bootstrapBucketName(): string {
    return fitName('s3Bucket', [
      'fastish',
      this.context.qualifier,
      'assets',
      this.context.account,
      this.context.region,
    ]);
  }

  bootstrapRepositoryName(): string {
    return fitName('ecrRepository', [
      'fastish',
      this.context.qualifier,
      'container-assets',
      this.context.account,
      this.context.region,
    ]);
  }

  /** `/fastish/<env>/<arch>/<key…>` — where stacks publish non-secret connection details. */
  parameterName(architecture: string, ...keys: string[]): string {
    return fitName('ssmParameter', ['fastish', this.context.environment, architecture, ...keys], '/', '/');
  }

  logGroupName(architecture: string, purpose: string): string {
    return fitName(
      'logGroup',
      ['fastish', this.context.organization, this.context.environment, architecture, purpose],
      '/',
      '/',
    );
  }

  /** WAF delivers logs only to log groups whose name starts with `aws-waf-logs-`. */
  wafLogGroupName(purpose: string): string {
    return fitName('logGroup', [
      'aws-waf-logs',
      this.context.organization,
      this.context.environment,
      purpose,
    ]);
  }

  kmsAlias(purpose: string): string {
    return fitName(
      'kmsAlias',
      ['alias/fastish', this.context.organization, this.context.environment, purpose],
      '/',
    );
  }

  k8sName(...parts: string[]): string {
    return fitName('k8sName', parts);
  }
}
