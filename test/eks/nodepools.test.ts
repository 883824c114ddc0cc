/**
 * Which NodePool Karpenter launches a pending pod on, for the pools `platformNodePools` derives from the
 * default settings. Karpenter tries pools in descending weight and takes the first whose taints the pod
 * tolerates and whose requirements admit the pod's node selector; it never looks at the images.
 */
import { describe, expect, it } from 'vitest';
import { eksSettings } from '../../src/config/architectures/eks';
import type { NodePoolOptions } from '../../src/constructs/eks/karpenter';
import { GRAVITON_TAINT, platformNodePools } from '../../src/constructs/eks/nodepools';

interface Toleration {
  key: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: string;
}
interface PodSpec {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
}

const tolerates = (pod: PodSpec, pool: NodePoolOptions) =>
  (pool.taints ?? []).every((t) =>
    (pod.tolerations ?? []).some(
      (tol) =>
        tol.key === t.key &&
        (tol.operator === 'Exists' || tol.value === t.value) &&
        (!tol.effect || tol.effect === t.effect),
    ),
  );

const admits = (pod: PodSpec, pool: NodePoolOptions) =>
  Object.entries(pod.nodeSelector ?? {}).every(([key, value]) => {
    if (pool.labels?.[key] !== undefined) return pool.labels[key] === value;
    const req = pool.requirements.find((r) => r.key === key);
    return req?.operator === 'In' && (req.values ?? []).includes(value);
  });

/** Pools the pod may land on, in the order Karpenter tries them. */
const candidates = (pod: PodSpec, pools: NodePoolOptions[]) =>
  [...pools]
    .sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))
    .filter((p) => tolerates(pod, p) && admits(pod, p));

const archOf = (pool: NodePoolOptions | undefined) =>
  pool?.requirements.find((r) => r.key === 'kubernetes.io/arch')?.values ?? [];

const defaults = eksSettings.parse({});
const { pools } = platformNodePools({
  defaultLimits: defaults.karpenterLimits,
  graviton: defaults.nodePools.graviton,
  gpu: { ...defaults.nodePools.gpu, enabled: true },
  localNvme: { ...defaults.nodePools.localNvme, enabled: true },
});

describe('NodePool choice', () => {
  it('has the Graviton pool on by default (the case under test)', () => {
    expect(pools.map((p) => p.name)).toContain('graviton');
  });

  it('never puts a pod that did not opt in on arm64, even when the default pool is full', () => {
    const plain: PodSpec = {};
    const order = candidates(plain, pools);
    expect(order[0]?.name).toBe('default');
    // A full default pool makes Karpenter try the next candidates: all of them must be amd64 too.
    for (const pool of order) expect(archOf(pool), pool.name).toEqual(['amd64']);
  });

  it('puts a pod that tolerates the arm64 taint on Graviton first', () => {
    const arm: PodSpec = {
      tolerations: [{ key: GRAVITON_TAINT.key, operator: 'Equal', value: 'arm64', effect: 'NoSchedule' }],
    };
    expect(candidates(arm, pools)[0]?.name).toBe('graviton');
    const armOnly: PodSpec = { ...arm, nodeSelector: { 'kubernetes.io/arch': 'arm64' } };
    expect(candidates(armOnly, pools).map((p) => p.name)).toEqual(['graviton']);
  });

  it('does not let an arm64 node selector alone reach Graviton (the taint is the opt-in)', () => {
    expect(candidates({ nodeSelector: { 'kubernetes.io/arch': 'arm64' } }, pools)).toEqual([]);
  });
});
