import type { IIoK8sApiPolicyV1PodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1/PodDisruptionBudgetSpec';
import type { IIoK8sApiCoreV1Affinity } from 'kubernetes-models/v1/Affinity';
import type { IIoK8sApiCoreV1EnvVar } from 'kubernetes-models/v1/EnvVar';
import { Pod } from 'kubernetes-models/v1/Pod';
import type { IIoK8sApiCoreV1PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IIoK8sApiCoreV1Probe } from 'kubernetes-models/v1/Probe';
import type { IIoK8sApiCoreV1ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { IIoK8sApiCoreV1SecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IIoK8sApiCoreV1Service } from 'kubernetes-models/v1/Service';
import { Service } from 'kubernetes-models/v1/Service';
import type { IIoK8sApiCoreV1Toleration } from 'kubernetes-models/v1/Toleration';
import type { IIoK8sApiCoreV1Volume } from 'kubernetes-models/v1/Volume';
import type { IIoK8sApiCoreV1VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { z } from 'zod';

/**
 * Typed model of the druid-operator's `Druid` custom resource (`druid.apache.org/v1alpha1`, datainfrahq
 * druid-operator `apis/druid/v1alpha1/druid_types.go`): the fields Fastish sets, with the operator's JSON
 * names (`common.runtime.properties`, `druid.port`, ...). Embedded Kubernetes types come from
 * kubernetes-models so they are validated against the core OpenAPI schemas.
 */

export const DRUID_NODE_TYPES = [
  'historical',
  'overlord',
  'middleManager',
  'indexer',
  'broker',
  'coordinator',
  'router',
] as const;
export type DruidNodeType = (typeof DRUID_NODE_TYPES)[number];

/** druid-operator `AdditionalContainer` (`runAsInit: true` makes it an init container). */
export interface AdditionalContainer {
  readonly runAsInit: boolean;
  readonly containerName: string;
  readonly image: string;
  readonly command: string[];
  readonly args?: string[];
  readonly resources: IIoK8sApiCoreV1ResourceRequirements;
  /** The container's security context (the operator's JSON name). */
  readonly securityContext: IIoK8sApiCoreV1SecurityContext;
  readonly volumeMounts: IIoK8sApiCoreV1VolumeMount[];
  readonly env?: IIoK8sApiCoreV1EnvVar[];
}

export interface DruidNodeSpec {
  readonly nodeType: DruidNodeType;
  readonly 'druid.port': number;
  /** `StatefulSet` (default) or `Deployment`. */
  readonly kind?: 'StatefulSet' | 'Deployment';
  readonly replicas: number;
  readonly 'runtime.properties': string;
  readonly 'extra.jvm.options'?: string;
  readonly nodeConfigMountPath: string;
  readonly podLabels?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  readonly podDisruptionBudgetSpec?: IIoK8sApiPolicyV1PodDisruptionBudgetSpec;
  readonly services?: IIoK8sApiCoreV1Service[];
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: IIoK8sApiCoreV1Toleration[];
  readonly affinity?: IIoK8sApiCoreV1Affinity;
  readonly resources: IIoK8sApiCoreV1ResourceRequirements;
  readonly env?: IIoK8sApiCoreV1EnvVar[];
  readonly volumes?: IIoK8sApiCoreV1Volume[];
  readonly volumeMounts?: IIoK8sApiCoreV1VolumeMount[];
  readonly readinessProbe?: IIoK8sApiCoreV1Probe;
  readonly livenessProbe?: IIoK8sApiCoreV1Probe;
  readonly terminationGracePeriodSeconds?: number;
  /** Per-node service account (operator v1.3+), so each Druid service gets its own Pod Identity role. */
  readonly serviceAccountName?: string;
  /** Appended to the cluster's additional containers. */
  readonly additionalContainer?: AdditionalContainer[];
}

export interface DruidSpec {
  readonly image: string;
  readonly startScript: string;
  readonly serviceAccount?: string;
  readonly rollingDeploy: boolean;
  readonly commonConfigMountPath: string;
  readonly 'common.runtime.properties': string;
  readonly 'jvm.options': string;
  readonly 'log4j.config'?: string;
  readonly securityContext?: IIoK8sApiCoreV1PodSecurityContext;
  readonly containerSecurityContext?: IIoK8sApiCoreV1SecurityContext;
  readonly env?: IIoK8sApiCoreV1EnvVar[];
  readonly volumes?: IIoK8sApiCoreV1Volume[];
  readonly volumeMounts?: IIoK8sApiCoreV1VolumeMount[];
  readonly podLabels?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  readonly services?: IIoK8sApiCoreV1Service[];
  readonly additionalContainer?: AdditionalContainer[];
  readonly deleteOrphanPvc?: boolean;
  /** Operator-provided liveness/readiness/startup probes. */
  readonly defaultProbes?: boolean;
  readonly nodes: Record<string, DruidNodeSpec>;
}

export interface DruidResource {
  readonly apiVersion: 'druid.apache.org/v1alpha1';
  readonly kind: 'Druid';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Record<string, string>;
  };
  readonly spec: DruidSpec;
}

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const absPath = z.string().regex(/^\/\S*$/, { message: 'must be an absolute path' });

/** The CRD's structural constraints (required fields, enums, minimums) as a schema. */
const nodeSchema = z.looseObject({
  nodeType: z.enum(DRUID_NODE_TYPES),
  'druid.port': z.number().int().min(1).max(65_535),
  kind: z.enum(['StatefulSet', 'Deployment']).optional(),
  replicas: z.number().int().min(0),
  'runtime.properties': z.string().min(1),
  nodeConfigMountPath: absPath,
  resources: z.looseObject({
    limits: z.record(z.string(), z.unknown()),
    requests: z.record(z.string(), z.unknown()),
  }),
});

const specSchema = z.looseObject({
  image: z
    .string()
    .regex(/^[\w.\-/:@]+:[\w.-]+$|@sha256:[0-9a-f]{64}$/, { message: 'must be a pinned image reference' }),
  startScript: absPath,
  rollingDeploy: z.boolean(),
  commonConfigMountPath: absPath,
  'common.runtime.properties': z.string().min(1),
  'jvm.options': z.string(),
  nodes: z
    .record(
      z.string().regex(dns1123, { message: 'node keys become Kubernetes names (DNS-1123)' }),
      nodeSchema,
    )
    .refine((n) => Object.keys(n).length > 0, { message: 'needs at least one node' }),
});

const resourceSchema = z.strictObject({
  apiVersion: z.literal('druid.apache.org/v1alpha1'),
  kind: z.literal('Druid'),
  metadata: z.looseObject({ name: z.string().regex(dns1123), namespace: z.string().regex(dns1123) }),
  spec: specSchema,
});

/**
 * Validates a `Druid` resource: the CRD's required fields and enums, then every embedded Kubernetes
 * object (env, volumes, mounts, resources, probes, tolerations, affinity, security contexts, services)
 * against the core schemas, by assembling the pod each node would run. Throws with the path.
 */
export function validateDruidResource(resource: DruidResource, where: string): void {
  const parsed = resourceSchema.safeParse(resource);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`${where}: invalid Druid resource: ${issues}`);
  }
  const spec = resource.spec;
  for (const [key, node] of Object.entries(spec.nodes)) {
    const at = `${where}: Druid node "${key}"`;
    const pod = podOf(spec, key, node);
    try {
      pod.validate();
      for (const svc of [...(spec.services ?? []), ...(node.services ?? [])]) {
        new Service({ ...svc, metadata: svc.metadata ?? { name: key } }).validate();
      }
    } catch (err) {
      throw new Error(`${at}: ${(err as Error).message}`);
    }
    const volumes = new Set((pod.spec?.volumes ?? []).map((v) => v.name));
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    for (const c of containers) {
      const paths = new Set<string>();
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) throw new Error(`${at}: volumeMount "${m.name}" has no volume`);
        if (paths.has(m.mountPath)) throw new Error(`${at}: two volumes mount at ${m.mountPath}`);
        paths.add(m.mountPath);
      }
    }
  }
}

/**
 * The pod the druid-operator would run for a node (controllers/druid/handler.go makePodSpec): its two
 * config ConfigMap volumes, the node's env/annotations/security contexts replacing the cluster's, volumes,
 * mounts, tolerations and additional containers appended, and `[startScript, nodeType]` as the command.
 */
export function podOf(spec: DruidSpec, key: string, node: DruidNodeSpec): Pod {
  const additional = [...(spec.additionalContainer ?? []), ...(node.additionalContainer ?? [])].map((a) => ({
    runAsInit: a.runAsInit,
    container: {
      name: a.containerName,
      image: a.image,
      command: a.command,
      ...(a.args ? { args: a.args } : {}),
      resources: a.resources,
      securityContext: a.securityContext,
      volumeMounts: a.volumeMounts,
      ...(a.env ? { env: a.env } : {}),
    },
  }));
  return new Pod({
    metadata: {
      name: key,
      labels: { ...spec.podLabels, ...node.podLabels },
      annotations: node.podAnnotations ?? spec.podAnnotations,
    },
    spec: {
      serviceAccountName: node.serviceAccountName ?? spec.serviceAccount,
      securityContext: spec.securityContext,
      nodeSelector: node.nodeSelector,
      tolerations: node.tolerations,
      affinity: node.affinity,
      terminationGracePeriodSeconds: node.terminationGracePeriodSeconds,
      volumes: [
        { name: 'common-config-volume', configMap: { name: 'common-config' } },
        { name: 'nodetype-config-volume', configMap: { name: `${key}-config` } },
        ...(spec.volumes ?? []),
        ...(node.volumes ?? []),
      ],
      initContainers: additional.filter((a) => a.runAsInit).map((a) => a.container),
      containers: [
        {
          name: 'druid',
          image: spec.image,
          command: [spec.startScript, node.nodeType],
          env: node.env ?? spec.env ?? [],
          resources: node.resources,
          volumeMounts: [
            { name: 'common-config-volume', mountPath: spec.commonConfigMountPath, readOnly: true },
            { name: 'nodetype-config-volume', mountPath: node.nodeConfigMountPath, readOnly: true },
            ...(spec.volumeMounts ?? []),
            ...(node.volumeMounts ?? []),
          ],
          securityContext: spec.containerSecurityContext,
          readinessProbe: node.readinessProbe,
          livenessProbe: node.livenessProbe,
          ports: [{ containerPort: node['druid.port'] }],
        },
        ...additional.filter((a) => !a.runAsInit).map((a) => a.container),
      ],
    },
  });
}
