/**
 * Preflight rule FST-DRUID1: every Druid container's JVMs fit its memory limit.
 *
 * Druid allocates its processing buffers off-heap and refuses to start unless
 * `MaxDirectMemorySize >= (numThreads + numMergeBuffers + 1) * buffer.sizeBytes`; the kernel kills a
 * container whose JVMs (heap + direct + non-heap overhead, times the number of JVMs: a MiddleManager forks
 * one peon per task slot) exceed its memory limit. Both failures surface minutes into a rollout; this rule
 * turns them into a synth error naming the construct.
 */

export const SIZING_RULE_ID = 'FST-DRUID1';

export interface ProcessingPool {
  readonly numThreads: number;
  readonly numMergeBuffers: number;
  readonly bufferSizeMiB: number;
}

export interface JvmSizing {
  /** What this JVM is, for messages: `broker`, `peon`. */
  readonly role: string;
  readonly heapMiB: number;
  readonly directMemoryMiB: number;
  /** Metaspace, thread stacks, code cache, GC structures. */
  readonly overheadMiB: number;
  /** Processing pool needing direct memory; absent for processes that do not process queries. */
  readonly processing?: ProcessingPool;
  /** JVMs of this kind in the container. @default 1 */
  readonly count?: number;
}

export interface ContainerSizing {
  readonly memoryLimitMiB: number;
  readonly jvms: readonly JvmSizing[];
}

export interface SizingReport {
  readonly requiredMiB: number;
  readonly limitMiB: number;
  readonly headroomMiB: number;
}

/** Direct memory Druid demands of a processing pool: (numThreads + numMergeBuffers + 1) * buffer. */
export function requiredDirectMemoryMiB(p: ProcessingPool): number {
  return (p.numThreads + p.numMergeBuffers + 1) * p.bufferSizeMiB;
}

/** Checks one container; throws an error starting with `where` (the construct path) when it does not fit. */
export function checkContainerSizing(where: string, container: ContainerSizing): SizingReport {
  const problems: string[] = [];
  let required = 0;
  for (const jvm of container.jvms) {
    const count = jvm.count ?? 1;
    if (jvm.processing) {
      const need = requiredDirectMemoryMiB(jvm.processing);
      if (jvm.directMemoryMiB < need) {
        const p = jvm.processing;
        problems.push(
          `${jvm.role}: direct memory ${jvm.directMemoryMiB} MiB < (numThreads ${p.numThreads} + numMergeBuffers ${p.numMergeBuffers} + 1) * buffer ${p.bufferSizeMiB} MiB = ${need} MiB`,
        );
      }
    }
    if (jvm.heapMiB <= 0 || jvm.directMemoryMiB <= 0)
      problems.push(`${jvm.role}: heap and direct memory must be positive`);
    required += count * (jvm.heapMiB + jvm.directMemoryMiB + jvm.overheadMiB);
  }
  if (required > container.memoryLimitMiB) {
    const parts = container.jvms
      .map(
        (j) =>
          `${j.count ?? 1} x ${j.role} (heap ${j.heapMiB} + direct ${j.directMemoryMiB} + overhead ${j.overheadMiB})`,
      )
      .join(' + ');
    problems.push(
      `JVMs need ${required} MiB (${parts}) but the container limit is ${container.memoryLimitMiB} MiB`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`${where}: [${SIZING_RULE_ID}] Druid memory sizing does not fit: ${problems.join('; ')}`);
  }
  return {
    requiredMiB: required,
    limitMiB: container.memoryLimitMiB,
    headroomMiB: container.memoryLimitMiB - required,
  };
}

/**
 * CPU and memory the platform's DaemonSets (VPC CNI, kube-proxy, Pod Identity agent, EBS CSI node, Alloy)
 * may request on every node, Druid's tainted nodes included: an estimate held back from allocatable.
 */
export const DAEMONSET_RESERVE = { cpuMillis: 500, memoryMiB: 1024 } as const;

/**
 * EC2 families each Druid service's NodePool may launch (historical tiers name their own). The config
 * layer checks with the same lists that every pod fits one of their sizes, so validate refuses what the
 * pool could never schedule.
 */
export const SERVICE_FAMILIES = {
  coordinator: ['m7g', 'm6g', 'm7i', 'm6i'],
  broker: ['r7g', 'r6g', 'r7i', 'r6i'],
  router: ['m7g', 'm6g', 'm7i', 'm6i'],
  middlemanager: ['m7g', 'm6g', 'r7g', 'r6g', 'm7i', 'm6i'],
} as const;

/** EC2 vCPU counts of the sizes Karpenter may choose (large … 48xlarge). */
const VCPU_SIZES = [2, 4, 8, 16, 32, 48, 64, 96, 128, 192] as const;

/** Memory per vCPU of an EC2 family, by its class letter (m 4 GiB, r/i 8 GiB, c 2 GiB, x 16 GiB). */
export function memoryPerVcpuMiB(family: string): number {
  const perClass: Record<string, number> = { c: 2048, m: 4096, r: 8192, i: 8192, x: 16_384, z: 8192 };
  return perClass[family[0] ?? ''] ?? 2048;
}

/** Karpenter's allocatable model of a node (upstream-facts-druid KARPENTER_ALLOCATABLE_FACTS). */
export interface AllocatableModel {
  readonly kubeReservedCpu: readonly { fromMillis: number; toMillis: number; percent: number }[];
  readonly kubeReservedMemoryPerPodMiB: number;
  readonly kubeReservedMemoryBaseMiB: number;
  readonly evictionMemoryMiB: number;
  readonly vmMemoryOverheadPercent: number;
  readonly eniMaxPodsByVcpu: Readonly<Record<number, number>>;
}

function maxPods(model: AllocatableModel, vcpu: number): number {
  const sizes = Object.keys(model.eniMaxPodsByVcpu)
    .map(Number)
    .sort((a, b) => a - b);
  const at = sizes.find((s) => s >= vcpu) ?? sizes[sizes.length - 1] ?? 0;
  return model.eniMaxPodsByVcpu[at] ?? 234;
}

/** CPU (millicores) a pod can request on a node of `vcpu` after kube-reserved and the DaemonSets. */
export function podCpuMillis(model: AllocatableModel, vcpu: number): number {
  const capacity = vcpu * 1000;
  const reserved = model.kubeReservedCpu.reduce(
    (sum, r) => sum + Math.max(0, Math.min(capacity, r.toMillis) - r.fromMillis) * r.percent,
    0,
  );
  return Math.floor(capacity - reserved) - DAEMONSET_RESERVE.cpuMillis;
}

/** Instance memory (MiB) a node of `vcpu` needs so a pod of `podMiB` fits (VM overhead, kube-reserved, eviction, DaemonSets). */
export function instanceMemoryFor(model: AllocatableModel, vcpu: number, podMiB: number): number {
  const reserved =
    model.kubeReservedMemoryPerPodMiB * maxPods(model, vcpu) +
    model.kubeReservedMemoryBaseMiB +
    model.evictionMemoryMiB +
    DAEMONSET_RESERVE.memoryMiB;
  return Math.ceil((podMiB + reserved) / (1 - model.vmMemoryOverheadPercent));
}

/** The instances a pool may launch for one Druid pod shape, and the capacity its NodePool limit allows. */
export interface NodeShape {
  readonly minVcpu: number;
  readonly maxVcpu: number;
  /** Smallest instance memory (MiB) that fits the pod on the smallest allowed size. */
  readonly minMemoryMiB: number;
  /** NodePool limits: (replicas + 1 for a rolling replacement) nodes of the largest allowed size. */
  readonly limitCpu: number;
  readonly limitMemoryMiB: number;
}

/**
 * Part of FST-DRUID1: the smallest EC2 size whose allocatable CPU holds the pod (and the next size up),
 * the instance memory it needs there, and NodePool limits counted in instance capacity (Karpenter's limits
 * sum node capacity, not pod requests). Throws when no size of the allowed families fits the pod.
 */
export function nodeShape(
  where: string,
  model: AllocatableModel,
  pod: { replicas: number; cpu: number; memoryMiB: number },
  families: readonly string[],
): NodeShape {
  const perVcpu = Math.max(...families.map(memoryPerVcpuMiB));
  const minVcpu = VCPU_SIZES.find(
    (v) =>
      podCpuMillis(model, v) >= pod.cpu * 1000 && perVcpu * v >= instanceMemoryFor(model, v, pod.memoryMiB),
  );
  if (minVcpu === undefined) {
    throw new Error(
      `${where}: [${SIZING_RULE_ID}] a pod of ${pod.cpu} vCPU and ${pod.memoryMiB} MiB fits no size of ${families.join(', ')} once kube-reserved, eviction and DaemonSets are held back`,
    );
  }
  const maxVcpu = VCPU_SIZES.find((v) => v > minVcpu) ?? minVcpu;
  const minMemoryMiB = instanceMemoryFor(model, minVcpu, pod.memoryMiB);
  const largest = perVcpu * maxVcpu;
  const nodes = pod.replicas + 1;
  return {
    minVcpu,
    maxVcpu,
    minMemoryMiB,
    limitCpu: nodes * maxVcpu,
    limitMemoryMiB: nodes * largest,
  };
}
