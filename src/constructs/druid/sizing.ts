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
