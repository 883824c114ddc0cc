/**
 * Typed builders for every Kubernetes object the EKS stack applies. Types come from kubernetes-models
 * (core), @kubernetes-models/cert-manager, @kubernetes-models/karpenter and
 * @kubernetes-models/external-secrets (type-only imports: nothing loads at synth); the AWS Load Balancer
 * Controller's IngressClassParams has its own interface and JSON schema (`schemas/`). The tests validate
 * every manifest in the synthesized template against these schemas.
 */
import type { IClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import type { IClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import type { IEC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import type { INodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import type { IIngressClass } from 'kubernetes-models/networking.k8s.io/v1/IngressClass';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IIoK8sApiNetworkingV1NetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IStorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import type { ILimitRange } from 'kubernetes-models/v1/LimitRange';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IResourceQuota } from 'kubernetes-models/v1/ResourceQuota';

/** Any Kubernetes object as applied by the kubectl handler. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string } & Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Strips the readonly/interface typing so the object can be handed to `addManifest`. */
function obj<T extends object>(value: T): K8sObject {
  return value as unknown as K8sObject;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'fastish' } as const;

export function namespace(name: string, labels: Record<string, string> = {}): K8sObject {
  const ns: INamespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...MANAGED_BY,
        ...labels,
        'kubernetes.io/metadata.name': name,
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  };
  return obj(ns);
}

/** gp3 volumes encrypted with `kmsKeyArn`, the cluster default, bound when a pod is scheduled. */
export function storageClass(name: string, kmsKeyArn: string): K8sObject {
  const sc: IStorageClass = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      labels: { ...MANAGED_BY },
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
    },
    provisioner: 'ebs.csi.aws.com',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
    reclaimPolicy: 'Delete',
    parameters: { type: 'gp3', encrypted: 'true', kmsKeyId: kmsKeyArn, 'csi.storage.k8s.io/fstype': 'ext4' },
  };
  return obj(sc);
}

export interface QuotaLimits {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
}

export function resourceQuota(ns: string, limits: QuotaLimits): K8sObject {
  const rq: IResourceQuota = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'team-quota', namespace: ns, labels: { ...MANAGED_BY } },
    spec: {
      hard: {
        'requests.cpu': limits.cpu,
        'requests.memory': limits.memory,
        'limits.memory': limits.memory,
        pods: String(limits.pods),
        'services.loadbalancers': '0',
        'services.nodeports': '0',
        persistentvolumeclaims: '50',
      },
    },
  };
  return obj(rq);
}

/** Defaults for containers that declare no resources, and a ceiling per container. */
export function limitRange(ns: string): K8sObject {
  const lr: ILimitRange = {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'team-defaults', namespace: ns, labels: { ...MANAGED_BY } },
    spec: {
      limits: [
        {
          type: 'Container',
          default: { cpu: '500m', memory: '512Mi' },
          defaultRequest: { cpu: '100m', memory: '128Mi' },
          max: { cpu: '8', memory: '32Gi' },
        },
      ],
    },
  };
  return obj(lr);
}

/**
 * The EKS Pod Identity agent: a host-network DaemonSet on every node serving credentials to pods at this
 * link-local address (`POD_IDENTITY_AGENT_FACTS` in upstream-facts.ts; a contract test keeps them equal).
 */
/** Egress to the cluster's DNS (CoreDNS in kube-system), which every namespace that denies egress by default needs. */
export const DNS_EGRESS: IIoK8sApiNetworkingV1NetworkPolicyEgressRule = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

export const POD_IDENTITY_AGENT = { ipv4: '169.254.170.23', port: 80 } as const;

/**
 * Default deny for ingress and egress, then the minimum that lets workloads function: DNS to CoreDNS,
 * any traffic within the namespace, credentials from the Pod Identity agent, HTTPS to the VPC (the
 * interface endpoints of AWS APIs, the Kubernetes API), and ingress from the load balancer controller's
 * targets (pods behind ALBs receive traffic from the VPC when `ip` targets are used). Other namespaces'
 * pods are in the VPC too, but their own default deny refuses the ingress. Anything else (S3 through the
 * gateway endpoint, the internet) is a NetworkPolicy the team adds; `edit` lets developers do so.
 */
export function networkPolicies(ns: string, vpcCidr: string): K8sObject[] {
  const meta = (name: string) => ({ name, namespace: ns, labels: { ...MANAGED_BY } });
  const deny: INetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('default-deny-all'),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
  const dns: INetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('allow-dns'),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [DNS_EGRESS],
    },
  };
  const sameNs: INetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('allow-same-namespace'),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    },
  };
  const fromVpc: INetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('allow-from-load-balancers'),
    spec: {
      podSelector: { matchLabels: { 'fastish.io/expose': 'load-balancer' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }] }],
    },
  };
  const podIdentity: INetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('allow-pod-identity-agent'),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ ipBlock: { cidr: `${POD_IDENTITY_AGENT.ipv4}/32` } }],
          ports: [{ protocol: 'TCP', port: POD_IDENTITY_AGENT.port }],
        },
      ],
    },
  };
  const awsApis: INetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('allow-https-in-vpc'),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: vpcCidr } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    },
  };
  return [obj(deny), obj(dns), obj(sameNs), obj(podIdentity), obj(awsApis), obj(fromVpc)];
}

/** Binds a Kubernetes group (from an EKS access entry) to a ClusterRole inside one namespace. */
export function groupRoleBinding(ns: string, name: string, group: string, clusterRole: string): K8sObject {
  const rb: IRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: ns, labels: { ...MANAGED_BY } },
    subjects: [{ kind: 'Group', name: group, apiGroup: 'rbac.authorization.k8s.io' }],
    roleRef: { kind: 'ClusterRole', name: clusterRole, apiGroup: 'rbac.authorization.k8s.io' },
  };
  return obj(rb);
}

/** Spec of the AWS Load Balancer Controller's `IngressClassParams` (fields Fastish sets; see schemas/). */
export interface IngressClassParamsSpec {
  readonly scheme: 'internal' | 'internet-facing';
  readonly ipAddressType?: 'ipv4' | 'dualstack';
  readonly targetType?: 'ip' | 'instance';
  readonly sslPolicy?: string;
  readonly wafv2AclArn?: string;
  readonly group?: { readonly name: string };
  readonly loadBalancerAttributes?: readonly { readonly key: string; readonly value: string }[];
  readonly tags?: readonly { readonly key: string; readonly value: string }[];
}

export interface IIngressClassParams {
  readonly apiVersion: 'elbv2.k8s.aws/v1beta1';
  readonly kind: 'IngressClassParams';
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly spec: IngressClassParamsSpec;
}

export function ingressClassParams(name: string, spec: IngressClassParamsSpec): K8sObject {
  const p: IIngressClassParams = {
    apiVersion: 'elbv2.k8s.aws/v1beta1',
    kind: 'IngressClassParams',
    metadata: { name, labels: { ...MANAGED_BY } },
    spec,
  };
  return obj(p);
}

export function ingressClass(name: string, paramsName: string, isDefault: boolean): K8sObject {
  const ic: IIngressClass = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: {
      name,
      labels: { ...MANAGED_BY },
      annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {},
    },
    spec: {
      controller: 'ingress.k8s.aws/alb',
      parameters: { apiGroup: 'elbv2.k8s.aws', kind: 'IngressClassParams', name: paramsName },
    },
  };
  return obj(ic);
}

export interface AcmeIssuerOptions {
  readonly name: string;
  readonly server: string;
  readonly email: string;
  /**
   * DNS-01 through Route 53 in this zone (cert-manager's Pod Identity role). There is no HTTP-01 solver: through
   * the AWS Load Balancer Controller it would need an ALB per challenge, which ignores the solver's class.
   */
  readonly route53: { readonly hostedZoneId: string; readonly region: string; readonly zoneName: string };
}

export function acmeClusterIssuer(o: AcmeIssuerOptions): K8sObject {
  const issuer: IClusterIssuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: o.name, labels: { ...MANAGED_BY } },
    spec: {
      acme: {
        server: o.server,
        email: o.email,
        privateKeySecretRef: { name: `${o.name}-account-key` },
        solvers: [
          {
            selector: { dnsZones: [o.route53.zoneName] },
            dns01: { route53: { region: o.route53.region, hostedZoneID: o.route53.hostedZoneId } },
          },
        ],
      },
    },
  };
  return obj(issuer);
}

/**
 * A ClusterSecretStore reading AWS Secrets Manager with the controller's own Pod Identity credentials, usable
 * only by ExternalSecrets in `namespaces` (the controller checks the namespace of every ExternalSecret that
 * references it). Cluster-scoped, so no namespace role can create or change it.
 */
export function clusterSecretsManagerStore(
  name: string,
  region: string,
  namespaces: readonly string[],
): K8sObject {
  if (namespaces.length === 0)
    throw new Error(`ClusterSecretStore ${name}: name the namespaces that may use it`);
  const store: IClusterSecretStore = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name, labels: { ...MANAGED_BY } },
    spec: {
      provider: { aws: { service: 'SecretsManager', region } },
      conditions: [{ namespaces: [...namespaces] }],
    },
  };
  return obj(store);
}

/** Copies every key of a Secrets Manager JSON secret into a Kubernetes Secret, refreshed hourly. */
export function externalSecret(
  name: string,
  ns: string,
  store: { readonly kind: 'SecretStore' | 'ClusterSecretStore'; readonly name: string },
  secretName: string,
  target: string,
): K8sObject {
  const es: IExternalSecret = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: ns, labels: { ...MANAGED_BY } },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: store.kind, name: store.name },
      target: { name: target, creationPolicy: 'Owner' },
      dataFrom: [{ extract: { key: secretName } }],
    },
  };
  return obj(es);
}

export type { IEC2NodeClass, INodePool };

export function karpenterObject(value: IEC2NodeClass | INodePool): K8sObject {
  return obj(value);
}
