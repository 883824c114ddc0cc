import type { RehearsalStack } from '../../assembly';
import type { PhaseName } from '../../calls';
import type { RehearsalContext } from '../../context';
import { type TemplateResolver, UNKNOWN } from '../../intrinsics';
import { isWildcardOnly } from './iam-reference';

export const PHASE: PhaseName = 'runtime';

/** One resource of a deployed stack, with what run-time calls name it by. */
export interface Deployed {
  readonly stack: RehearsalStack;
  readonly id: string;
  readonly type: string;
  /** The resource's properties with every intrinsic resolved. */
  readonly props: Record<string, unknown>;
  /** Its ARN, or `''` when it has none the rehearsal knows. */
  readonly arn: string;
  /** What `Ref` returns (a name, id or ARN). */
  readonly ref: string;
  /** Its physical name. */
  readonly name: string;
  readonly source: string;
}

/** A Kubernetes object a stack applies to a cluster (a `KubernetesManifest` entry). */
export interface KubeObject {
  readonly stack: RehearsalStack;
  readonly cluster: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly body: Record<string, unknown>;
}

/** A Helm release a stack installs (`HelmChart` custom resource). */
export interface HelmRelease {
  readonly stack: RehearsalStack;
  readonly cluster: string;
  readonly chart: string;
  readonly release: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
}

/** A value down a path of object keys and array indexes, or undefined. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

export const known = (v: unknown): v is string => typeof v === 'string' && v !== '' && !v.includes(UNKNOWN);

/** JSON text (a manifest or Helm values) as an object, or undefined when it does not parse. */
function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return typeof text === 'object' ? text : undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * What phase 4 reads from the accounts as deployed: every resource of every deployed stack, resolved,
 * found by ARN, `Ref` value or name; the Kubernetes objects and Helm releases applied to clusters.
 */
export class RuntimeModel {
  readonly resources: Deployed[] = [];
  private readonly index = new Map<string, Deployed[]>();

  constructor(readonly ctx: RehearsalContext) {
    const seen = new Set<string>();
    for (const stack of ctx.world.deployed) {
      const key = `${stack.account}/${stack.region}/${stack.stackName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const r = ctx.world.resolverFor(stack);
      for (const [id, resource] of Object.entries(stack.template.Resources ?? {})) {
        if (!r.exists(id)) continue;
        const deployed = this.describe(stack, r, id, resource.Type);
        this.resources.push(deployed);
        for (const k of new Set([deployed.arn, deployed.ref, deployed.name]))
          if (known(k)) this.index.set(k, [...(this.index.get(k) ?? []), deployed]);
      }
    }
  }

  private describe(stack: RehearsalStack, r: TemplateResolver, id: string, type: string): Deployed {
    let props: Record<string, unknown> | undefined;
    const arn = r.getAtt(id, 'Arn');
    return {
      stack,
      id,
      type,
      get props() {
        props ??= (r.resolve(stack.template.Resources?.[id]?.Properties ?? {}) ?? {}) as Record<
          string,
          unknown
        >;
        return props;
      },
      arn: known(arn) && arn.startsWith('arn:') ? arn : '',
      ref: String(r.ref(id)),
      name: r.physicalName(id),
      source: `${stack.stackName}/${id}`,
    };
  }

  ofType(type: string): Deployed[] {
    return this.resources.filter((d) => d.type === type);
  }

  /** The deployed resource a value (ARN, name, id) names; a name matches within `account` only. */
  find(value: unknown, account?: string): Deployed | undefined {
    if (!known(value)) return undefined;
    const hits = this.index.get(value) ?? [];
    const hit = hits.find((d) => !account || d.stack.account === account || value.startsWith('arn:'));
    if (hit) return hit;
    // Names CloudFormation resolves to ARNs with a suffix (secrets): a partial ARN names the secret too.
    return this.resources.find(
      (d) => d.arn !== '' && value.startsWith('arn:') && d.arn.startsWith(`${value}-`),
    );
  }

  /** Every object of every Kubernetes manifest deployed, with the cluster it is applied to. */
  kubeObjects(): KubeObject[] {
    const out: KubeObject[] = [];
    for (const d of this.resources.filter((x) => x.type === 'Custom::AWSCDK-EKS-KubernetesResource')) {
      const objects = parseJson(d.props.Manifest);
      for (const body of Array.isArray(objects) ? (objects as Record<string, unknown>[]) : []) {
        const meta = (body.metadata ?? {}) as { name?: string; namespace?: string };
        out.push({
          stack: d.stack,
          cluster: String(d.props.ClusterName),
          kind: String(body.kind),
          name: String(meta.name),
          ...(meta.namespace ? { namespace: meta.namespace } : {}),
          body,
        });
      }
    }
    return out;
  }

  helmReleases(): HelmRelease[] {
    return this.resources
      .filter((d) => d.type === 'Custom::AWSCDK-EKS-HelmChart')
      .map((d) => ({
        stack: d.stack,
        cluster: String(d.props.ClusterName),
        chart: String(d.props.Chart),
        release: String(d.props.Release),
        namespace: String(d.props.Namespace ?? 'default'),
        values: (parseJson(d.props.Values) ?? {}) as Record<string, unknown>,
      }));
  }

  /** A KMS key reference (ARN, key id, alias) as the key's ARN; undefined for AWS managed keys. */
  keyArn(ref: unknown, stack: RehearsalStack): string | undefined {
    if (!known(ref) || ref.includes('alias/aws/')) return undefined;
    if (ref.startsWith('arn:')) return ref;
    if (ref.startsWith('alias/')) {
      const alias = this.ofType('AWS::KMS::Alias').find(
        (a) => a.props.AliasName === ref && a.stack.account === stack.account,
      );
      return alias ? this.keyArn(alias.props.TargetKeyId, stack) : undefined;
    }
    return `arn:aws:kms:${stack.region}:${stack.account}:key/${ref}`;
  }

  /**
   * The customer-managed key a service encrypts a resource with at rest, the service that calls KMS
   * for the caller (`kms:ViaService`), and the encryption context it sends.
   */
  encryption(d: Deployed): Encryption | undefined {
    const p = d.props;
    const { region, account } = d.stack;
    const make = (key: unknown, service: string, context: Record<string, string>) => {
      const arn = this.keyArn(key, d.stack);
      return arn ? { key: arn, viaService: `${service}.${region}.amazonaws.com`, context } : undefined;
    };
    switch (d.type) {
      case 'AWS::SecretsManager::Secret':
        return make(p.KmsKeyId, 'secretsmanager', { 'kms:EncryptionContext:SecretARN': d.arn });
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable': {
        const replicas = Array.isArray(p.Replicas) ? p.Replicas : [];
        const replica = replicas.find((r) => at(r, 'Region') === region);
        const key =
          at(replica, 'SSESpecification', 'KMSMasterKeyId') ?? at(p, 'SSESpecification', 'KMSMasterKeyId');
        return make(key, 'dynamodb', {
          'kms:EncryptionContext:aws:dynamodb:tableName': d.ref,
          'kms:EncryptionContext:aws:dynamodb:subscriberId': account,
        });
      }
      case 'AWS::SQS::Queue':
        return make(p.KmsMasterKeyId, 'sqs', { 'kms:EncryptionContext:aws:sqs:arn': d.arn });
      case 'AWS::SNS::Topic':
        return make(p.KmsMasterKeyId, 'sns', { 'kms:EncryptionContext:aws:sns:topicArn': d.arn });
      case 'AWS::Kinesis::Stream':
        return make(at(p, 'StreamEncryption', 'KeyId'), 'kinesis', {
          'kms:EncryptionContext:aws:kinesis:arn': d.arn,
        });
      case 'AWS::S3::Bucket': {
        const rule = at(p, 'BucketEncryption', 'ServerSideEncryptionConfiguration', 0);
        // With an S3 Bucket Key the context is the bucket's ARN, else the object's (named per call).
        return make(at(rule, 'ServerSideEncryptionByDefault', 'KMSMasterKeyID'), 's3', {
          'kms:EncryptionContext:aws:s3:arn': at(rule, 'BucketKeyEnabled') ? d.arn : `${d.arn}/*`,
        });
      }
    }
    return undefined;
  }
}

export interface Encryption {
  readonly key: string;
  readonly viaService: string;
  readonly context: Readonly<Record<string, string>>;
}

/** Records a call of phase 4 (the principal's session context included) and returns whether it was allowed. */
export async function runtimeCall(
  model: RuntimeModel,
  step: string,
  principal: string,
  action: string,
  resource: string,
  context: Readonly<Record<string, string | string[]>> = {},
): Promise<boolean> {
  const target = (await isWildcardOnly(action)) ? '*' : resource;
  const result = await model.ctx.call({ phase: PHASE, step, principal, action, resource: target, context });
  return result.allowed;
}

/** The KMS calls a service makes as the caller to read (`Decrypt`) or write (`GenerateDataKey`) `d`. */
export async function keyCalls(
  model: RuntimeModel,
  step: string,
  principal: string,
  d: Deployed,
  mode: 'read' | 'write',
  session: Readonly<Record<string, string | string[]>> = {},
  objectArn?: string,
): Promise<void> {
  const enc = model.encryption(d);
  if (!enc) return;
  const context = { ...enc.context };
  const s3Context = context['kms:EncryptionContext:aws:s3:arn'];
  if (objectArn && s3Context?.endsWith('/*')) context['kms:EncryptionContext:aws:s3:arn'] = objectArn;
  const actions = mode === 'read' ? ['kms:Decrypt'] : ['kms:GenerateDataKey', 'kms:Decrypt'];
  for (const action of actions) {
    await runtimeCall(model, step, principal, action, enc.key, {
      ...session,
      'kms:ViaService': enc.viaService,
      'kms:CallerAccount': d.stack.account,
      ...context,
    });
  }
}
