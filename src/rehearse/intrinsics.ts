import { createHash } from 'node:crypto';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { RehearsalStack, TemplateResource } from './assembly';

type SpecDatabase = ReturnType<typeof loadAwsServiceSpecSync>;
let database: SpecDatabase | undefined;

interface TypeNaming {
  readonly arnTemplate?: string;
  readonly identifier: readonly string[];
}

const namingCache = new Map<string, TypeNaming>();

/** ARN template and primary identifier of a type, from the AWS service specification. */
function namingOf(type: string): TypeNaming {
  let naming = namingCache.get(type);
  if (!naming) {
    database ??= loadAwsServiceSpecSync();
    const [r] = database.lookup('resource', 'cloudFormationType', 'equals', type);
    naming = {
      identifier: r?.primaryIdentifier ?? [],
      ...(r?.arnTemplate ? { arnTemplate: r.arnTemplate } : {}),
    };
    namingCache.set(type, naming);
  }
  return naming;
}

/** The ARN template the service specification gives a resource type (its service is the IAM prefix). */
export function arnTemplateOf(type: string): string | undefined {
  return EXTRA_ARN_TEMPLATES[type] ?? namingOf(type).arnTemplate;
}

/** Marks a value the rehearsal could not know before deploy (a custom resource's output, say). */
export const UNKNOWN = '<unknown>';

/** A stable stand-in for an id AWS generates (key ids, role ids), derived from where the resource is. */
function generatedId(seed: string, length = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function uuidOf(seed: string): string {
  const h = generatedId(seed);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Types whose name CloudFormation generates in lower case (S3 rejects upper case). */
const LOWER_CASE_NAMES = new Set(['AWS::S3::Bucket']);

/**
 * ARNs of types the specification has no template for, or one naming a property the type does not
 * have (a managed policy's is `PolicyNameWithPath`; the property is `ManagedPolicyName`).
 */
const EXTRA_ARN_TEMPLATES: Record<string, string> = {
  'AWS::MSK::ServerlessCluster':
    'arn:${Partition}:kafka:${Region}:${Account}:cluster/${ClusterName}/${Uuid}-s1',
  'AWS::MSK::Cluster': 'arn:${Partition}:kafka:${Region}:${Account}:cluster/${ClusterName}/${Uuid}-2',
  'AWS::IAM::ManagedPolicy': 'arn:${Partition}:iam::${Account}:policy/${ManagedPolicyName}',
  'AWS::IAM::InstanceProfile': 'arn:${Partition}:iam::${Account}:instance-profile/${InstanceProfileName}',
};

/**
 * Types whose `Fn::GetAtt Arn` is not the specification's ARN template: a global table's is the ARN of
 * its replica in the stack's region, which is what data calls and policies name.
 */
const GETATT_ARN_TEMPLATES: Record<string, string> = {
  'AWS::DynamoDB::GlobalTable': 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}',
};

/** Refs of these identifier properties return the ARN (or URL), not a name. */
const REF_RETURNS_ARN = new Set(['Arn', 'TopicArn', 'PolicyArn', 'ManagedPolicyArn', 'SecretArn']);

/**
 * Resolves CloudFormation intrinsics of one stack to the concrete values a deploy would produce:
 * pseudo parameters, explicit physical names, names CloudFormation would generate, ARNs from the
 * service specification's ARN templates, exports of stacks deployed before. What cannot be known
 * before deploy resolves to a value containing {@link UNKNOWN}, which matches no policy.
 */
export class TemplateResolver {
  private readonly resources: Record<string, TemplateResource>;
  private readonly conditions = new Map<string, boolean>();

  constructor(
    readonly stack: RehearsalStack,
    private readonly exports: ReadonlyMap<string, unknown> = new Map(),
    readonly partition = 'aws',
  ) {
    this.resources = stack.template.Resources ?? {};
  }

  /** Whether a resource exists in the deploy (its `Condition`, if any, holds). */
  exists(logicalId: string): boolean {
    const condition = this.resources[logicalId]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  condition(name: string): boolean {
    let value = this.conditions.get(name);
    if (value === undefined) {
      value = this.truthy(this.stack.template.Conditions?.[name]);
      this.conditions.set(name, value);
    }
    return value;
  }

  private truthy(expr: unknown): boolean {
    if (typeof expr === 'boolean') return expr;
    if (expr && typeof expr === 'object') {
      const [[fn, arg]] = Object.entries(expr) as [[string, unknown]];
      const args = Array.isArray(arg) ? arg : [arg];
      switch (fn) {
        case 'Fn::Equals':
          return JSON.stringify(this.resolve(args[0])) === JSON.stringify(this.resolve(args[1]));
        case 'Fn::Not':
          return !this.truthy(args[0]);
        case 'Fn::And':
          return args.every((a) => this.truthy(a));
        case 'Fn::Or':
          return args.some((a) => this.truthy(a));
        case 'Condition':
          return this.condition(String(arg));
      }
    }
    return String(this.resolve(expr)) === 'true';
  }

  /** The physical name (or id) CloudFormation gives a resource. */
  physicalName(logicalId: string): string {
    const resource = this.resources[logicalId];
    if (!resource) return `${UNKNOWN}${logicalId}`;
    const props = resource.Properties ?? {};
    const naming = namingOf(resource.Type);
    const candidates = [
      ...naming.identifier,
      ...[...(arnTemplateOf(resource.Type) ?? '').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string),
      'Name',
    ];
    for (const key of candidates) {
      const base = key.replace(/WithPath$/, '');
      const value = props[base] ?? props[key];
      if (value !== undefined && typeof this.resolve(value) === 'string')
        return this.resolve(value) as string;
    }
    const generated = `${this.stack.stackName}-${logicalId}-${generatedId(logicalId, 12).toUpperCase()}`;
    return LOWER_CASE_NAMES.has(resource.Type)
      ? generated.toLowerCase().slice(0, 63)
      : generated.slice(0, 64);
  }

  arn(logicalId: string): string {
    const resource = this.resources[logicalId];
    if (!resource) return `${UNKNOWN}${logicalId}.Arn`;
    const template = GETATT_ARN_TEMPLATES[resource.Type] ?? arnTemplateOf(resource.Type);
    if (!template) return `${UNKNOWN}${logicalId}.Arn`;
    const name = this.physicalName(logicalId);
    const seed = `${this.stack.account}/${this.stack.stackName}/${logicalId}`;
    return template.replace(/\$\{(\w+)\}/g, (_, v: string) => {
      if (v === 'Partition') return this.partition;
      if (v === 'Region') return this.stack.region;
      if (v === 'Account') return this.stack.account;
      if (v === 'KeyId' || v === 'Uuid' || v === 'Id') return uuidOf(seed);
      if (v === 'SecretId') return `${name}-${generatedId(seed, 6)}`;
      if (v === 'ParameterNameWithoutLeadingSlash') return name.replace(/^\//, '');
      return name;
    });
  }

  ref(name: string): unknown {
    switch (name) {
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::Region':
        return this.stack.region;
      case 'AWS::AccountId':
        return this.stack.account;
      case 'AWS::StackName':
        return this.stack.stackName;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackId':
        return `arn:${this.partition}:cloudformation:${this.stack.region}:${this.stack.account}:stack/${this.stack.stackName}/${uuidOf(this.stack.stackName)}`;
      case 'AWS::NoValue':
        return undefined;
    }
    const parameter = this.stack.template.Parameters?.[name];
    if (parameter) return parameter.Default ?? `${UNKNOWN}${name}`;
    const resource = this.resources[name];
    if (!resource) return `${UNKNOWN}${name}`;
    // The attachment's Ref is the ARN of the secret it attaches (CloudFormation's return values).
    if (resource.Type === 'AWS::SecretsManager::SecretTargetAttachment') {
      return this.resolve(resource.Properties?.SecretId);
    }
    const [identifier] = namingOf(resource.Type).identifier;
    if (resource.Type === 'AWS::SecretsManager::Secret' || REF_RETURNS_ARN.has(identifier ?? '')) {
      return this.arn(name);
    }
    if (identifier === 'QueueUrl') {
      return `https://sqs.${this.stack.region}.amazonaws.com/${this.stack.account}/${this.physicalName(name)}`;
    }
    if (resource.Type === 'AWS::KMS::Key') return this.arn(name).split('/').pop();
    return this.physicalName(name);
  }

  getAtt(logicalId: string, attribute: string): unknown {
    const resource = this.resources[logicalId];
    if (!resource) return `${UNKNOWN}${logicalId}.${attribute}`;
    const seed = `${this.stack.account}/${this.stack.stackName}/${logicalId}`;
    switch (attribute) {
      case 'Arn':
      case 'TopicArn':
        return this.arn(logicalId);
      case 'StreamArn':
        return `${this.arn(logicalId)}/stream/2026-01-01T00:00:00.000`;
      case 'RoleId':
        return `AROA${generatedId(seed, 17).toUpperCase()}`;
      case 'KeyId':
        return this.arn(logicalId).split('/').pop();
      case 'QueueName':
      case 'TopicName':
      case 'Name':
        return this.physicalName(logicalId);
      case 'QueueUrl':
        return this.ref(logicalId);
    }
    return `${UNKNOWN}${logicalId}.${attribute}`;
  }

  /** Deep-resolves a template value. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== undefined);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [[fn, arg]] = entries as [[string, unknown]];
      const resolved = this.intrinsic(fn, arg);
      if (resolved !== NOT_INTRINSIC) return resolved;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.resolve(v);
      if (r !== undefined) out[k] = r;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    const args = Array.isArray(arg) ? arg : [arg];
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, ...attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return this.getAtt(String(id), attr.join('.'));
      }
      case 'Fn::Join': {
        const [sep, list] = args as [string, unknown];
        const items = this.resolve(list);
        return Array.isArray(items) ? items.map(String).join(sep) : `${UNKNOWN}join`;
      }
      case 'Fn::Select': {
        const list = this.resolve(args[1]);
        return Array.isArray(list) ? list[Number(this.resolve(args[0]))] : `${UNKNOWN}select`;
      }
      case 'Fn::Split':
        return String(this.resolve(args[1])).split(String(args[0]));
      case 'Fn::If':
        return this.resolve(this.condition(String(args[0])) ? args[1] : args[2]);
      case 'Fn::Sub':
        return this.sub(args[0] as string, (args[1] ?? {}) as Record<string, unknown>);
      case 'Fn::ImportValue': {
        const name = String(this.resolve(arg));
        return this.exports.has(name) ? this.exports.get(name) : `${UNKNOWN}import:${name}`;
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${this.stack.region}${z}`);
      case 'Fn::GetStackOutput': {
        // Same-region outputs of stacks deployed before (cross-account lookups through RoleArn are not modelled).
        const { StackName, Region, OutputName } = (arg ?? {}) as Record<string, unknown>;
        const region = Region === undefined ? this.stack.region : String(this.resolve(Region));
        const key = stackOutputKey(String(this.resolve(StackName)), String(this.resolve(OutputName)));
        return region === this.stack.region && this.exports.has(key)
          ? this.exports.get(key)
          : `${UNKNOWN}output:${key}`;
      }
      case 'Fn::Base64':
        return this.resolve(arg);
      case 'Fn::FindInMap': {
        const mappings = (
          this.stack.template as { Mappings?: Record<string, Record<string, Record<string, unknown>>> }
        ).Mappings;
        const [m, k1, k2] = args.map((a) => String(this.resolve(a)));
        return mappings?.[m as string]?.[k1 as string]?.[k2 as string] ?? `${UNKNOWN}map`;
      }
      case 'Fn::Cidr':
      case 'Fn::Length':
      case 'Fn::ToJsonString':
        return `${UNKNOWN}${fn}`;
      default:
        return NOT_INTRINSIC;
    }
  }

  private sub(text: string, variables: Record<string, unknown>): string {
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return String(this.resolve(variables[name]));
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id, ...attr] = name.split('.');
        return String(this.getAtt(id as string, attr.join('.')));
      }
      return String(this.ref(name));
    });
  }

  /**
   * Outputs with an export name, resolved: later stacks' `Fn::ImportValue` reads them. Every output is
   * also listed under {@link stackOutputKey}, which later stacks' `Fn::GetStackOutput` reads.
   */
  exportedValues(): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const [name, output] of Object.entries(this.stack.template.Outputs ?? {})) {
      const value = this.resolve(output.Value);
      if (output.Export) out.set(String(this.resolve(output.Export.Name)), value);
      out.set(stackOutputKey(this.stack.stackName, name), value);
    }
    return out;
  }
}

const NOT_INTRINSIC = Symbol('not an intrinsic');

/** Where an output sits among the exports: `/` cannot occur in an export name, so no export collides. */
export function stackOutputKey(stackName: string, outputName: string): string {
  return `Fn::GetStackOutput/${stackName}/${outputName}`;
}
