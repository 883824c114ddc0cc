import type { IEC2NodeClass } from '@kubernetes-models/karpenter/karpenter.k8s.aws/v1/EC2NodeClass';
import type { INodePool } from '@kubernetes-models/karpenter/karpenter.sh/v1/NodePool';
import { KARPENTER_ALLOCATABLE_FACTS } from '../../../upstream-facts-druid';
import { bottlerocketNodeClass } from '../../eks/karpenter';
import { type NodeShape, nodeShape, SERVICE_FAMILIES } from '../sizing';
import { type DruidKubernetesProps, historicalKey, nodePoolName } from './types';

type Requirements = INodePool['spec']['template']['spec']['requirements'];

const ON_DEMAND: Requirements = [
  { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
  { key: 'kubernetes.io/arch', operator: 'In', values: ['arm64', 'amd64'] },
];

/** Karpenter requirements admitting only the sizes `shape` allows (`instance-memory` is in MiB). */
function sizeRequirements(shape: NodeShape): Requirements {
  return [
    { key: 'karpenter.k8s.aws/instance-cpu', operator: 'Gt', values: [String(shape.minVcpu - 1)] },
    { key: 'karpenter.k8s.aws/instance-cpu', operator: 'Lt', values: [String(shape.maxVcpu + 1)] },
    { key: 'karpenter.k8s.aws/instance-memory', operator: 'Gt', values: [String(shape.minMemoryMiB - 1)] },
  ];
}

/**
 * Karpenter: the NVMe EC2NodeClass and one NodePool per Druid service and historical tier. Each pool admits
 * only instance sizes its pod fits on after kube-reserved, eviction and DaemonSets (FST-DRUID1), and limits
 * capacity to replicas + 1 of its largest size. Historical nodes never expire: a replaced node starts with
 * an empty segment cache and reloads it from deep storage.
 */
export function nodePools(
  props: DruidKubernetesProps,
  crName: string,
  where: string,
): { objects: Array<IEC2NodeClass | INodePool>; shapes: Record<string, NodeShape> } {
  const s = props.settings;
  const nvmeClass = `druid-${crName}-nvme`;
  const shapes: Record<string, NodeShape> = {};
  const pool = (
    role: string,
    nodeClassName: string,
    n: { replicas: number; cpu: number; memoryMiB: number },
    families: readonly string[],
    extra: Requirements,
    historical: boolean,
  ): INodePool => {
    const shape = nodeShape(`${where}/${role}`, KARPENTER_ALLOCATABLE_FACTS, n, families);
    shapes[role] = shape;
    return {
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: nodePoolName(crName, role), labels: { 'app.kubernetes.io/managed-by': 'fastish' } },
      spec: {
        template: {
          metadata: { labels: { 'fastish.io/node-pool': nodePoolName(crName, role) } },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClassName },
            requirements: [
              ...ON_DEMAND,
              { key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: [...families] },
              ...sizeRequirements(shape),
              ...extra,
            ],
            taints: [{ key: 'fastish.io/druid', value: role, effect: 'NoSchedule' }],
            expireAfter: historical ? KARPENTER_ALLOCATABLE_FACTS.expireAfterNever : '720h',
          },
        },
        disruption: {
          // Historicals hold loaded segments: never consolidate a busy node away.
          consolidationPolicy: historical ? 'WhenEmpty' : 'WhenEmptyOrUnderutilized',
          consolidateAfter: '10m',
          budgets: [{ nodes: '1' }],
        },
        limits: { cpu: String(shape.limitCpu), memory: `${shape.limitMemoryMiB}Mi` },
      },
    };
  };
  return {
    objects: [
      bottlerocketNodeClass({
        name: nvmeClass,
        nodeRoleName: props.karpenter.nodeRoleName,
        clusterName: props.karpenter.clusterName,
        bottlerocketVersion: props.karpenter.bottlerocketVersion,
        dataVolumeGiB: 40,
        localNvmeRaid0: true,
      }),
      pool('coordinator', 'default', s.coordinator, SERVICE_FAMILIES.coordinator, [], false),
      pool('broker', 'default', s.broker, SERVICE_FAMILIES.broker, [], false),
      pool('router', 'default', s.router, SERVICE_FAMILIES.router, [], false),
      pool('middlemanager', 'default', s.middleManager, SERVICE_FAMILIES.middlemanager, [], false),
      ...s.historicalTiers.map((t) =>
        pool(
          historicalKey(t),
          nvmeClass,
          t,
          t.instanceFamilies,
          // Only instances whose local NVMe holds the segment cache (GB, as Karpenter labels it).
          [
            {
              key: 'karpenter.k8s.aws/instance-local-nvme',
              operator: 'Gt',
              values: [String(Math.ceil(t.segmentCacheGiB * 1.1))],
            },
          ],
          true,
        ),
      ),
    ],
    shapes,
  };
}
