import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { DNS_EGRESS } from '../../eks/manifests';
import { DRUID_PORTS, type K8sObject, LABELS, obj, PROMETHEUS_PORT } from './types';

/**
 * The Druid namespace (Pod Security baseline), one service account per Druid service and Job that calls
 * AWS, the Role the Kubernetes discovery extension needs, and default-deny network policies.
 */
export function namespaceObjects(
  ns: string,
  vpcCidr: string,
  druidAccounts: readonly string[],
  otherAccounts: readonly string[],
): K8sObject[] {
  const namespace: INamespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: {
        ...LABELS,
        'kubernetes.io/metadata.name': ns,
        'pod-security.kubernetes.io/enforce': 'baseline',
      },
    },
  };
  const accounts = [...druidAccounts, ...otherAccounts].map(
    (name): IServiceAccount => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: ns, labels: LABELS },
      automountServiceAccountToken: true,
    }),
  );
  // The Kubernetes discovery extension reads and patches pods (labels/annotations) and uses a ConfigMap
  // for leader election: a namespaced Role, bound to every Druid service account.
  const discoveryRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'druid-discovery', namespace: ns, labels: LABELS },
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch'] },
      {
        apiGroups: [''],
        resources: ['configmaps'],
        verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      },
    ],
  };
  const discoveryBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'druid-discovery', namespace: ns, labels: LABELS },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'druid-discovery' },
    subjects: druidAccounts.map((name) => ({ kind: 'ServiceAccount', name, namespace: ns })),
  };
  return [
    obj(namespace),
    ...accounts.map(obj),
    discoveryRole,
    discoveryBinding,
    ...networkPolicies(ns, vpcCidr).map(obj),
  ];
}

function networkPolicies(ns: string, vpcCidr: string): INetworkPolicy[] {
  const meta = (name: string) => ({ name, namespace: ns, labels: LABELS });
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny-all'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-druid-internal-and-dns'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }, DNS_EGRESS],
      },
    },
    {
      // AWS APIs (S3, Kinesis, STS), the MSK IAM library from Maven Central (HTTPS), MSK IAM, PostgreSQL,
      // the Kubernetes API, and the Pod Identity agent on the node.
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-aws-egress'),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { protocol: 'TCP', port: 443 },
              { protocol: 'TCP', port: 9098 },
              { protocol: 'TCP', port: 5432 },
            ],
          },
          { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-alb-to-router'),
      spec: {
        podSelector: { matchLabels: { 'fastish.io/expose': 'load-balancer' } },
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ ipBlock: { cidr: vpcCidr } }], ports: [{ protocol: 'TCP', port: DRUID_PORTS.router }] },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('allow-metrics-scrape'),
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: PROMETHEUS_PORT }] }],
      },
    },
  ];
}
