import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import type { Karpenter, NodePoolOptions } from './karpenter';

interface PoolLimits {
  readonly cpu: number;
  readonly memoryGiB: number;
}

export interface ExtraPoolSettings {
  readonly enabled: boolean;
  readonly instanceFamilies: readonly string[];
  readonly limits: PoolLimits;
}

export interface PlatformNodePoolSettings {
  /** Limits of the default (general-purpose, amd64) pool. */
  readonly defaultLimits: PoolLimits;
  readonly graviton: ExtraPoolSettings;
  readonly gpu: ExtraPoolSettings;
  readonly localNvme: ExtraPoolSettings;
}

const BOTH_CAPACITY_TYPES = {
  key: 'karpenter.sh/capacity-type',
  operator: 'In' as const,
  values: ['spot', 'on-demand'],
};

/** Taint of the Graviton pool's nodes: pods whose images run on arm64 tolerate it to opt in. */
export const GRAVITON_TAINT = { key: 'fastish.io/arch', value: 'arm64', effect: 'NoSchedule' as const };

/** The NodePool options Fastish derives from the `eks.nodePools` settings (pure: no constructs). */
export function platformNodePools(s: PlatformNodePoolSettings): {
  pools: NodePoolOptions[];
  nodeClasses: string[];
} {
  const pools: NodePoolOptions[] = [
    {
      name: 'default',
      requirements: [
        BOTH_CAPACITY_TYPES,
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        { key: 'karpenter.k8s.aws/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
        { key: 'karpenter.k8s.aws/instance-generation', operator: 'Gt', values: ['5'] },
      ],
      limits: s.defaultLimits,
    },
  ];
  const nodeClasses: string[] = [];
  if (s.graviton.enabled) {
    // Opt-in: Karpenter cannot see which architectures a pod's images support, so an untainted arm64
    // pool would take every pod without an arch selector (amd64-only images then fail with `exec format
    // error`). Only pods tolerating GRAVITON_TAINT land here; among those, the weight makes Graviton win.
    pools.push({
      name: 'graviton',
      weight: 50,
      taints: [GRAVITON_TAINT],
      requirements: [
        BOTH_CAPACITY_TYPES,
        { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] },
        {
          key: 'karpenter.k8s.aws/instance-family',
          operator: 'In',
          values: [...s.graviton.instanceFamilies],
        },
      ],
      limits: s.graviton.limits,
    });
  }
  if (s.gpu.enabled) {
    nodeClasses.push('gpu');
    pools.push({
      name: 'gpu',
      nodeClass: 'gpu',
      requirements: [
        BOTH_CAPACITY_TYPES,
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [...s.gpu.instanceFamilies] },
      ],
      labels: { 'fastish.io/accelerator': 'nvidia' },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
      consolidationPolicy: 'WhenEmpty',
      limits: s.gpu.limits,
    });
  }
  if (s.localNvme.enabled) {
    nodeClasses.push('local-nvme');
    pools.push({
      name: 'local-nvme',
      nodeClass: 'local-nvme',
      requirements: [
        { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
        {
          key: 'karpenter.k8s.aws/instance-family',
          operator: 'In',
          values: [...s.localNvme.instanceFamilies],
        },
        { key: 'karpenter.k8s.aws/instance-local-nvme', operator: 'Gt', values: ['0'] },
      ],
      labels: { 'fastish.io/storage': 'local-nvme' },
      taints: [{ key: 'fastish.io/storage', value: 'local-nvme', effect: 'NoSchedule' }],
      consolidationPolicy: 'WhenEmpty',
      limits: s.localNvme.limits,
    });
  }
  return { pools, nodeClasses };
}

/** Adds the configured pools (and their node classes) to Karpenter. */
export function addPlatformNodePools(
  karpenter: Karpenter,
  s: PlatformNodePoolSettings,
): eks.KubernetesManifest[] {
  const { pools, nodeClasses } = platformNodePools(s);
  for (const name of nodeClasses) {
    karpenter.addNodeClass(
      name === 'gpu' ? { name, dataVolumeGiB: 200 } : { name, dataVolumeGiB: 40, localNvmeRaid0: true },
    );
  }
  return pools.map((p) => karpenter.addNodePool(p.name, p));
}
