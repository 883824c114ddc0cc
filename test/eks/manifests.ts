/** Reads every Kubernetes manifest and Helm release out of a synthesized EKS template, and validates objects. */
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { ClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import { EC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import { NodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import Ajv from 'ajv';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { IngressClass } from 'kubernetes-models/networking.k8s.io/v1/IngressClass';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import ingressClassParamsSchema from '../../src/constructs/eks/schemas/ingressclassparams.schema.json';

export interface K8sDoc {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; [k: string]: unknown };
  readonly [k: string]: unknown;
}

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

/** Flattens `Fn::Join` to a string; every unresolved part becomes `TOKEN` (valid inside JSON strings). */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(join[0]);
  return 'TOKEN';
}

export function manifestsOf(template: Template): { logicalId: string; docs: K8sDoc[] }[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource')
    .map(([logicalId, r]) => ({ logicalId, docs: JSON.parse(flatten(r.Properties?.Manifest)) as K8sDoc[] }));
}

export interface HelmRelease {
  readonly logicalId: string;
  readonly chart: string;
  readonly repository: string;
  readonly version: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  readonly rawValues: string;
  readonly dependsOn: string[];
}

export function helmReleasesOf(
  template: Template & { Resources: Record<string, { DependsOn?: string[] }> },
): HelmRelease[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'Custom::AWSCDK-EKS-HelmChart')
    .map(([logicalId, r]) => {
      const p = r.Properties ?? {};
      const rawValues = flatten(p.Values ?? '{}');
      return {
        logicalId,
        chart: p.Chart as string,
        repository: p.Repository as string,
        version: p.Version as string,
        namespace: p.Namespace as string,
        values: JSON.parse(rawValues) as Record<string, unknown>,
        rawValues,
        dependsOn: (r as { DependsOn?: string[] }).DependsOn ?? [],
      };
    });
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateIngressClassParams = ajv.compile(ingressClassParamsSchema);

// biome-ignore lint/suspicious/noExplicitAny: model constructors take their own typed input
type ModelCtor = new (data: any) => { validate(): void };
const MODELS: Record<string, ModelCtor> = {
  'v1/Namespace': Namespace,
  'v1/ResourceQuota': ResourceQuota,
  'v1/LimitRange': LimitRange,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/IngressClass': IngressClass,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'storage.k8s.io/v1/StorageClass': StorageClass,
  'cert-manager.io/v1/ClusterIssuer': ClusterIssuer,
  'karpenter.sh/v1/NodePool': NodePool,
  'karpenter.k8s.aws/v1/EC2NodeClass': EC2NodeClass,
  'external-secrets.io/v1/SecretStore': SecretStore,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'external-secrets.io/v1/ClusterSecretStore': ClusterSecretStore,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': ValidatingAdmissionPolicyBinding,
};

/** Validates one object against its schema; throws on an invalid object or an unknown kind. */
export function validateK8s(doc: K8sDoc): void {
  const key = `${doc.apiVersion}/${doc.kind}`;
  if (key === 'elbv2.k8s.aws/v1beta1/IngressClassParams') {
    if (!validateIngressClassParams(doc)) {
      throw new Error(`${doc.metadata.name}: ${ajv.errorsText(validateIngressClassParams.errors)}`);
    }
    return;
  }
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema for ${key}: add its model before applying it`);
  new Model(doc).validate();
}
