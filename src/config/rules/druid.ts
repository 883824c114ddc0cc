import { druidNamespaceConflict } from '../../constructs/druid/namespaces';
import {
  type ContainerSizing,
  checkContainerSizing,
  nodeShape,
  SERVICE_FAMILIES,
} from '../../constructs/druid/sizing';
import { KARPENTER_ALLOCATABLE_FACTS } from '../../upstream-facts-druid';
import type { ConfigIssue } from '../errors';
import type { EnvironmentRule } from './rule';

/** A datasource's stream must be one the environment's ingestion provides. */
export const sourcesMatchIngestion: EnvironmentRule = ({ settings }, at) => {
  const { ingestion, datasources } = settings.druid;
  const out: ConfigIssue[] = [];
  datasources.forEach((d, i) => {
    const needs = d.source.type === 'kafka' ? 'msk' : 'kinesis';
    if (ingestion !== 'both' && ingestion !== needs)
      out.push({
        path: at(['druid', 'datasources', i, 'source', 'type']),
        value: d.source.type,
        message: `needs druid.ingestion "${needs}" or "both", but it is "${ingestion}"`,
      });
    if (d.inputFormat === 'csv' && !d.csvColumns?.length)
      out.push({
        path: at(['druid', 'datasources', i, 'csvColumns']),
        value: d.csvColumns,
        message: 'is required (and not empty) when inputFormat is csv',
      });
    if (d.batch && !settings.druid.dataLake.bucketName)
      out.push({
        path: at(['druid', 'dataLake', 'bucketName']),
        value: undefined,
        message: `is required: datasource "${d.name}" backfills from the data lake (batch)`,
      });
  });
  // The stack creates one Kinesis stream per name; two datasources naming one would create it twice.
  const streams = new Map<string, number>();
  datasources.forEach((d, i) => {
    if (d.source.type !== 'kinesis') return;
    const earlier = streams.get(d.source.stream);
    if (earlier !== undefined)
      out.push({
        path: at(['druid', 'datasources', i, 'source', 'stream']),
        value: d.source.stream,
        message: `is also the stream of datasources[${earlier}]; each datasource reads its own Kinesis stream`,
      });
    else streams.set(d.source.stream, i);
  });
  return out;
};

/** Runs a sizing check of src/constructs/druid/sizing.ts, turning its error into an issue at `path`. */
function sized(path: string, value: unknown, check: () => unknown): ConfigIssue[] {
  try {
    check();
    return [];
  } catch (err) {
    const message = (err as Error).message.replace(/^.*?\]\s*/, '');
    return [{ path, value, message }];
  }
}

/**
 * FST-DRUID1 at validate: each Druid container's JVMs fit its memory limit (heap + direct + overhead,
 * peons included), direct memory holds the processing buffers, and each pod fits a node size of its pool.
 */
export const druidSizing: EnvironmentRule = ({ settings }, at) => {
  const s = settings.druid;
  const out: ConfigIssue[] = [];
  const jvm = (role: string, n: { heapMiB: number; directMemoryMiB: number; jvmOverheadMiB: number }) => ({
    role,
    heapMiB: n.heapMiB,
    directMemoryMiB: n.directMemoryMiB,
    overheadMiB: n.jvmOverheadMiB,
  });
  const check = (
    path: (string | number)[],
    n: { memoryMiB: number; replicas: number; cpu: number },
    container: ContainerSizing,
    families: readonly string[],
  ) => {
    out.push(
      ...sized(at(['druid', ...path, 'memoryMiB']), n.memoryMiB, () => checkContainerSizing('', container)),
    );
    out.push(
      ...sized(at(['druid', ...path, 'cpu']), n.cpu, () =>
        nodeShape('', KARPENTER_ALLOCATABLE_FACTS, n, families),
      ),
    );
  };
  const c = s.coordinator;
  check(
    ['coordinator'],
    c,
    { memoryLimitMiB: c.memoryMiB, jvms: [jvm('coordinator', c)] },
    SERVICE_FAMILIES.coordinator,
  );
  const r = s.router;
  check(['router'], r, { memoryLimitMiB: r.memoryMiB, jvms: [jvm('router', r)] }, SERVICE_FAMILIES.router);
  const b = s.broker;
  check(
    ['broker'],
    b,
    { memoryLimitMiB: b.memoryMiB, jvms: [{ ...jvm('broker', b), processing: b.processing }] },
    SERVICE_FAMILIES.broker,
  );
  s.historicalTiers.forEach((t, i) => {
    check(
      ['historicalTiers', i],
      t,
      {
        memoryLimitMiB: t.memoryMiB,
        jvms: [{ ...jvm(`historical ${t.name}`, t), processing: t.processing }],
      },
      t.instanceFamilies,
    );
  });
  const m = s.middleManager;
  check(
    ['middleManager'],
    m,
    {
      memoryLimitMiB: m.memoryMiB,
      jvms: [
        jvm('middlemanager', m),
        {
          role: 'peon',
          heapMiB: m.peonHeapMiB,
          directMemoryMiB: m.peonDirectMemoryMiB,
          overheadMiB: m.jvmOverheadMiB,
          processing: m.peonProcessing,
          count: m.workerCapacity,
        },
      ],
    },
    SERVICE_FAMILIES.middlemanager,
  );
  return out;
};

/** The Druid cluster's namespace is its own: the stack creates it, and deleting the stack deletes it. */
export const druidNamespace: EnvironmentRule = ({ settings }, at) => {
  const conflict = druidNamespaceConflict(settings.druid.namespace);
  if (!conflict) return [];
  return [
    {
      path: at(['druid', 'namespace']),
      value: settings.druid.namespace,
      message: `${conflict}; the Druid stack creates and owns its namespace (deleting the stack deletes it), so it needs one of its own`,
    },
  ];
};
