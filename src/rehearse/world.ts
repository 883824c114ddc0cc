import type { RehearsalStack } from './assembly';
import { TemplateResolver } from './intrinsics';

/** An IAM policy document as IAM reads it (after intrinsics are resolved). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

/** Looks up an AWS managed policy's current document by name. */
export type ManagedPolicyLookup = (name: string) => PolicyDocument | undefined;

export interface NamedPolicy {
  readonly name: string;
  readonly document: PolicyDocument;
}

/** A role as deployed: trust, identity policies, boundary, tags, and where it was defined. */
export interface RoleModel {
  readonly arn: string;
  readonly account: string;
  readonly name: string;
  trust: PolicyDocument;
  readonly inline: NamedPolicy[];
  readonly managed: string[];
  boundary?: string;
  readonly tags: Record<string, string>;
  /** `<stack>/<logicalId>`, or `outside Fastish` for principals the operator brings. */
  readonly source: string;
}

/** A resource policy (bucket, key, queue, topic, secret, repository), keyed by the resource's ARN. */
export interface ResourcePolicyModel {
  readonly statements: Record<string, unknown>[];
  readonly sources: string[];
}

/** A resource as created: where, in which account, with which tags (what `aws:ResourceTag/*` reads). */
export interface ResourceModel {
  readonly source: string;
  readonly account: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** An S3 bucket with attribute-based access control on: IAM sees its tags only then. */
  readonly s3Abac?: boolean;
}

const arnAccount = (arn: string) => arn.split(':')[4] ?? '';

/** A global table's replica in a region (its tags are per replica). */
function replicaIn(p: Record<string, unknown>, region: string): Record<string, unknown> | undefined {
  const replicas = (Array.isArray(p.Replicas) ? p.Replicas : []) as Record<string, unknown>[];
  return replicas.find((x) => x.Region === region);
}

/** Tags as CloudFormation takes them: a `[{Key, Value}]` list or (SSM, some L1s) a map. */
function tagsOf(tags: unknown): Record<string, string> {
  if (Array.isArray(tags)) {
    return Object.fromEntries(
      (tags as { Key?: unknown; Value?: unknown }[])
        .filter((t) => typeof t.Key === 'string' && typeof t.Value === 'string')
        .map((t) => [t.Key as string, t.Value as string]),
    );
  }
  if (tags && typeof tags === 'object') {
    return Object.fromEntries(
      Object.entries(tags).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  return {};
}

/**
 * The AWS accounts a deploy builds up, stack by stack: the roles, managed policies and resource
 * policies the synthesized templates create, resolved to concrete ARNs. Evaluating a call reads only
 * what exists at that point, so a role referenced before the stack creating it is deployed is missing.
 */
export class World {
  readonly roles = new Map<string, RoleModel>();
  readonly managedPolicies = new Map<string, NamedPolicy>();
  readonly resourcePolicies = new Map<string, ResourcePolicyModel>();
  /** Default KMS key of each bucket that has one, by bucket name (S3 then calls KMS as the caller). */
  readonly bucketKeys = new Map<string, string>();
  /** Every resource created so far: ARN (or physical name) → where it was defined, its account and tags. */
  readonly resources = new Map<string, ResourceModel>();
  readonly deployed: RehearsalStack[] = [];
  private readonly exportsByAccount = new Map<string, Map<string, unknown>>();

  constructor(
    /** AWS managed policy documents by name; a managed policy it does not know grants nothing. */
    readonly awsManagedPolicy: ManagedPolicyLookup = () => undefined,
  ) {}

  /** A principal the operator brings (their own role), with its identity policies. */
  addRole(role: Omit<RoleModel, 'tags' | 'inline' | 'managed'> & Partial<RoleModel>): RoleModel {
    const model: RoleModel = { tags: {}, inline: [], managed: [], ...role };
    this.roles.set(model.arn, model);
    return model;
  }

  resolverFor(stack: RehearsalStack): TemplateResolver {
    const key = `${stack.account}/${stack.region}`;
    return new TemplateResolver(stack, this.exportsByAccount.get(key) ?? new Map());
  }

  /** Records what a stack's template creates once CloudFormation has created it. */
  deploy(stack: RehearsalStack): void {
    const r = this.resolverFor(stack);
    const resources = stack.template.Resources ?? {};
    const attachments: [string[], NamedPolicy][] = [];
    const created = new Set<string>();
    for (const [id, resource] of Object.entries(resources)) {
      if (!r.exists(id)) continue;
      const source = `${stack.stackName}/${id}`;
      const p = (r.resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
      const arn = r.getAtt(id, 'Arn');
      const key = typeof arn === 'string' && arn.startsWith('arn:') ? arn : r.physicalName(id);
      // An ARN names the resource first created under it, not what the stack attaches to it later (a
      // Lambda permission's ARN template is its function's).
      if (!created.has(key)) {
        created.add(key);
        this.resources.set(key, {
          source: `${source} (${resource.Type})`,
          account: stack.account,
          tags: tagsOf(
            resource.Type === 'AWS::DynamoDB::GlobalTable' ? replicaIn(p, stack.region)?.Tags : p.Tags,
          ),
          ...(resource.Type === 'AWS::S3::Bucket' && p.AbacStatus === 'Enabled' ? { s3Abac: true } : {}),
        });
      }
      const tags = tagsOf(p.Tags);
      switch (resource.Type) {
        case 'AWS::IAM::Role': {
          const roleArn = r.arn(id);
          this.roles.set(roleArn, {
            arn: roleArn,
            account: stack.account,
            name: r.physicalName(id),
            trust: p.AssumeRolePolicyDocument as PolicyDocument,
            inline: ((p.Policies ?? []) as { PolicyName: string; PolicyDocument: PolicyDocument }[]).map(
              (x) => ({
                name: `${source}/${x.PolicyName}`,
                document: x.PolicyDocument,
              }),
            ),
            managed: (p.ManagedPolicyArns ?? []) as string[],
            ...(typeof p.PermissionsBoundary === 'string' ? { boundary: p.PermissionsBoundary } : {}),
            tags,
            source,
          });
          break;
        }
        case 'AWS::IAM::Policy':
        case 'AWS::IAM::ManagedPolicy': {
          const policy = { name: source, document: p.PolicyDocument as PolicyDocument };
          if (resource.Type === 'AWS::IAM::ManagedPolicy') this.managedPolicies.set(r.arn(id), policy);
          else attachments.push([(p.Roles ?? []) as string[], policy]);
          break;
        }
        case 'AWS::S3::Bucket': {
          const rules = (p.BucketEncryption as { ServerSideEncryptionConfiguration?: unknown[] } | undefined)
            ?.ServerSideEncryptionConfiguration as
            | { ServerSideEncryptionByDefault?: { KMSMasterKeyID?: string } }[]
            | undefined;
          const key = rules?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
          if (key) {
            const arn = key.startsWith('arn:')
              ? key
              : `arn:aws:kms:${stack.region}:${stack.account}:key/${key}`;
            this.bucketKeys.set(r.physicalName(id), arn);
          }
          break;
        }
        case 'AWS::S3::BucketPolicy':
          this.addResourcePolicy(`arn:aws:s3:::${p.Bucket}`, p.PolicyDocument, source);
          break;
        case 'AWS::KMS::Key':
          this.addResourcePolicy(r.arn(id), p.KeyPolicy, source);
          break;
        case 'AWS::SQS::QueuePolicy':
          for (const url of (p.Queues ?? []) as string[]) {
            const [, , host = '', account = '', name = ''] = url.split('/');
            const region = host.split('.')[1] ?? stack.region;
            this.addResourcePolicy(`arn:aws:sqs:${region}:${account}:${name}`, p.PolicyDocument, source);
          }
          break;
        case 'AWS::SNS::TopicPolicy':
          for (const topic of (p.Topics ?? []) as string[])
            this.addResourcePolicy(topic, p.PolicyDocument, source);
          break;
        case 'AWS::SecretsManager::ResourcePolicy':
          this.addResourcePolicy(String(p.SecretId), p.ResourcePolicy, source);
          break;
        case 'AWS::ECR::Repository':
          if (p.RepositoryPolicyText) this.addResourcePolicy(r.arn(id), p.RepositoryPolicyText, source);
          break;
      }
    }
    // Policies attach to roles by name, in the stack's account.
    const byName = new Map(
      [...this.roles.values()].filter((x) => x.account === stack.account).map((x) => [x.name, x]),
    );
    for (const [names, policy] of attachments) {
      for (const name of names) byName.get(name)?.inline.push(policy);
    }
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::IAM::ManagedPolicy' || !r.exists(id)) continue;
      const p = r.resolve(resource.Properties ?? {}) as { Roles?: string[] };
      for (const name of p.Roles ?? []) byName.get(name)?.managed.push(r.arn(id));
    }
    const key = `${stack.account}/${stack.region}`;
    const exports = this.exportsByAccount.get(key) ?? new Map<string, unknown>();
    for (const [k, v] of r.exportedValues()) exports.set(k, v);
    this.exportsByAccount.set(key, exports);
    this.deployed.push(stack);
  }

  private addResourcePolicy(arn: string, document: unknown, source: string): void {
    const doc = document as PolicyDocument | undefined;
    if (!doc?.Statement) return;
    const existing = this.resourcePolicies.get(arn) ?? { statements: [], sources: [] };
    existing.statements.push(...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]));
    existing.sources.push(source);
    this.resourcePolicies.set(arn, existing);
  }

  /** The resource policy governing a request on `resource` (a bucket's for its objects). */
  resourcePolicyFor(resource: string): ResourcePolicyModel | undefined {
    const direct = this.resourcePolicies.get(resource);
    if (direct) return direct;
    if (resource.startsWith('arn:aws:s3:::')) {
      const bucket = resource.slice('arn:aws:s3:::'.length).split('/')[0];
      return this.resourcePolicies.get(`arn:aws:s3:::${bucket}`);
    }
    return undefined;
  }

  /** Identity policies of a role: inline, attached customer-managed, and the AWS managed ones known. */
  identityPolicies(role: RoleModel): { policies: NamedPolicy[]; unknownManaged: string[] } {
    const policies = [...role.inline];
    const unknownManaged: string[] = [];
    for (const arn of role.managed) {
      const own = this.managedPolicies.get(arn);
      const awsName = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
      const aws = awsName ? this.awsManagedPolicy(awsName) : undefined;
      if (own) policies.push(own);
      else if (aws) policies.push({ name: `AWS managed ${awsName}`, document: aws });
      else unknownManaged.push(arn);
    }
    return { policies, unknownManaged };
  }

  /** Whether IAM sees the tags of the bucket holding `resource` (a bucket or object ARN). */
  s3Abac(resource: string): boolean {
    if (!resource.startsWith('arn:aws:s3:::')) return false;
    const bucket = resource.slice('arn:aws:s3:::'.length).split('/')[0];
    return this.resources.get(`arn:aws:s3:::${bucket}`)?.s3Abac === true;
  }

  /** The account owning a resource: from its ARN, or for S3 (whose ARNs name none) the creating stack's. */
  accountOf(arn: string): string {
    const own = arnAccount(arn);
    if (own || !arn.startsWith('arn:aws:s3:::')) return own;
    const bucket = arn.slice('arn:aws:s3:::'.length).split('/')[0];
    return this.resources.get(`arn:aws:s3:::${bucket}`)?.account ?? '';
  }
}
