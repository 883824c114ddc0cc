/**
 * Contract tests: the synthesized Druid cluster held against what the pinned Druid image, its start script,
 * the druid-operator, the AWS SDKs, aws-msk-iam-auth, Karpenter and k8s-monitoring actually do (facts in
 * src/upstream-facts-druid.ts, each with its repository, tag and path).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { podOf } from '../../src/constructs/druid/druid-resource';
import { nodeConfigDir } from '../../src/constructs/druid/kubernetes/druid-spec';
import { parseRuntimeProperties } from '../../src/constructs/druid/runtime-properties';
import { nodeShape, podCpuMillis } from '../../src/constructs/druid/sizing';
import type { DruidStack } from '../../src/stacks/druid/druid-stack';
import {
  DRUID_IMAGE_FACTS,
  DRUID_OPERATOR_FACTS,
  DRUID_PROPERTY_FACTS,
  DRUID_RELEASES,
  K8S_MONITORING_DISCOVERY_FACTS,
  KARPENTER_ALLOCATABLE_FACTS,
  MSK_IAM_AUTH_FACTS,
  POD_IDENTITY_MIN_SDK,
} from '../../src/upstream-facts-druid';
import { VERSIONS } from '../../src/versions';
import { synthDruid } from './fixture';

// biome-ignore lint/suspicious/noExplicitAny: tests read untyped manifests
type Any = Record<string, any>;
let stack: DruidStack;
let resources: Record<string, Any>;
let manifests: Any[];

beforeAll(() => {
  const result = synthDruid();
  stack = result.stack;
  resources = result.assembly.getStackArtifact(stack.artifactId).template.Resources;
  manifests = stack.resolve(stack.kubernetes.objects) as Any[];
});

const spec = () => stack.kubernetes.resource.spec;
const pods = () =>
  Object.entries(spec().nodes).map(([key, node]) => ({ key, node, pod: podOf(spec(), key, node) }));
const main = (pod: ReturnType<typeof podOf>) => pod.spec?.containers[0] as Any;
const envOf = (pod: ReturnType<typeof podOf>) =>
  Object.fromEntries(((main(pod).env ?? []) as Any[]).map((e) => [e.name, e.value]));
/** Semantic-version order of dotted numbers. */
const atLeast = (v: string, min: string) => {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
};
const imageTag = () => VERSIONS.druid.image.split(':')[1] as string;

describe('the pinned Druid image', () => {
  it('is the release the facts were read at', () => {
    expect(DRUID_IMAGE_FACTS.version).toBe(imageTag());
    expect(DRUID_RELEASES[imageTag()], `record ${imageTag()}'s AWS SDK`).toBeDefined();
  });

  it('ships an AWS SDK for Java whose container provider reads EKS Pod Identity (IMDS is out of reach)', () => {
    const sdk = DRUID_RELEASES[imageTag()]?.awsJavaSdkV1 ?? '0';
    expect(atLeast(sdk, POD_IDENTITY_MIN_SDK.javaV1), `Druid ${imageTag()} ships ${sdk}`).toBe(true);
    expect(atLeast(MSK_IAM_AUTH_FACTS.awsSdkV2, POD_IDENTITY_MIN_SDK.javaV2)).toBe(true);
  });

  it('bundles every extension the cluster loads', () => {
    const common = parseRuntimeProperties(spec()['common.runtime.properties']);
    const loaded = JSON.parse(common['druid.extensions.loadList'] ?? '[]') as string[];
    expect(loaded.filter((e) => !DRUID_IMAGE_FACTS.bundledExtensions.includes(e))).toEqual([]);
  });
});

describe('druid.sh reads the configuration Fastish renders', () => {
  it('runs the image start script with the node type it maps to a conf directory', () => {
    expect(DRUID_OPERATOR_FACTS.commandIsStartScriptAndNodeType).toBe(true);
    for (const { key, node, pod } of pods()) {
      expect(main(pod).command, key).toEqual([DRUID_IMAGE_FACTS.startScript, node.nodeType]);
      expect(DRUID_IMAGE_FACTS.confDirs[node.nodeType], key).toBeDefined();
    }
  });

  it("mounts each node's ConfigMap (runtime.properties, jvm.config) where druid.sh reads its node type", () => {
    for (const { key, node, pod } of pods()) {
      const mount = (main(pod).volumeMounts as Any[]).find((m) => m.name === 'nodetype-config-volume');
      const dir = `${DRUID_IMAGE_FACTS.confTree}/${DRUID_IMAGE_FACTS.confDirs[node.nodeType]}`;
      expect(mount?.mountPath, key).toBe(dir);
      expect(nodeConfigDir(node.nodeType)).toBe(dir);
    }
    expect(
      DRUID_IMAGE_FACTS.serviceFiles.every((f) =>
        DRUID_OPERATOR_FACTS.nodeConfigMapKeys.includes(f as never),
      ),
    ).toBe(true);
  });

  it("hands the common properties over by DRUID_CONFIG_COMMON and leaves the image's _common (log4j2.xml) in place", () => {
    const imageCommon = `${DRUID_IMAGE_FACTS.confTree}/${DRUID_IMAGE_FACTS.confDirs._common}`;
    for (const { key, pod } of pods()) {
      const mounts = main(pod).volumeMounts as Any[];
      const common = mounts.find((m) => m.name === 'common-config-volume')?.mountPath as string;
      expect(envOf(pod)[DRUID_IMAGE_FACTS.commonConfigEnv], key).toBe(`${common}/common.runtime.properties`);
      // No mount hides the image's _common directory (its log4j2.xml) or an ancestor of it.
      const hiding = mounts.filter((m) => `${imageCommon}/log4j2.xml`.startsWith(`${m.mountPath}/`));
      expect(
        hiding.map((m) => m.mountPath),
        key,
      ).toEqual([]);
    }
    expect(DRUID_IMAGE_FACTS.commonFiles).toContain('log4j2.xml');
  });

  it('creates every directory the JVMs write before they start (tmpdir, processing, MSQ, task dirs)', () => {
    const jvm = [...spec()['jvm.options'].split('\n')];
    const dirs = new Set<string>();
    for (const o of jvm) if (o.startsWith('-Djava.io.tmpdir=')) dirs.add(o.split('=')[1] as string);
    for (const [key, node] of Object.entries(spec().nodes)) {
      const p = parseRuntimeProperties(node['runtime.properties']);
      for (const k of ['druid.processing.tmpDir', 'druid.indexer.task.baseTaskDir']) if (p[k]) dirs.add(p[k]);
      for (const o of JSON.parse(p['druid.indexer.runner.javaOptsArray'] ?? '[]') as string[])
        if (o.startsWith('-Djava.io.tmpdir=')) dirs.add(o.split('=')[1] as string);
      expect(key).toBeTruthy();
    }
    const common = parseRuntimeProperties(spec()['common.runtime.properties']);
    dirs.add(common['druid.msq.intermediate.storage.tempDir'] as string);
    expect(dirs.size).toBeGreaterThanOrEqual(4);
    for (const { key, pod } of pods()) {
      const mounts = (main(pod).volumeMounts as Any[]).map((m) => m.mountPath as string);
      const created = (envOf(pod)[DRUID_IMAGE_FACTS.dirsToCreateEnv] ?? '').split(' ');
      for (const dir of dirs) {
        expect(mounts.includes(dir) || created.includes(dir), `${key}: ${dir} exists at start`).toBe(true);
      }
    }
  });

  it('sets the environment once for the cluster (the operator replaces it, never merges, per node)', () => {
    expect(DRUID_OPERATOR_FACTS.nodeReplaces).toContain('env');
    for (const { key, node } of pods()) expect(node.env, key).toBeUndefined();
  });
});

describe('MSK IAM', () => {
  it('puts the pinned aws-msk-iam-auth in the Kafka extension of the nodes that create Kafka clients', () => {
    expect(DRUID_IMAGE_FACTS.bundlesMskIamAuth).toBe(false);
    const kafkaExt = `${DRUID_IMAGE_FACTS.extensionsDir}/druid-kafka-indexing-service/`;
    const readers = pods().filter(({ node }) => ['coordinator', 'middleManager'].includes(node.nodeType));
    expect(readers.length).toBeGreaterThan(0);
    for (const { key, pod } of readers) {
      const jar = (main(pod).volumeMounts as Any[]).find((m) => String(m.mountPath).startsWith(kafkaExt));
      expect(jar?.mountPath, key).toMatch(/aws-msk-iam-auth-[\d.]+-all\.jar$/);
      const init = (pod.spec?.initContainers ?? []) as Any[];
      const script = init.map((c) => (c.command as string[]).join(' ')).join('\n');
      expect(script, key).toContain(VERSIONS.druid.mskIamAuth.url);
      expect(script, key).toContain(`echo '${VERSIONS.druid.mskIamAuth.sha256}  `);
      expect(script, key).toContain('sha256sum -c');
      expect(init[0]?.volumeMounts?.[0]?.name, key).toBe(jar?.name);
    }
    expect(VERSIONS.druid.mskIamAuth).toMatchObject({
      version: MSK_IAM_AUTH_FACTS.version,
      url: MSK_IAM_AUTH_FACTS.url,
      sha256: MSK_IAM_AUTH_FACTS.sha256,
    });
  });

  it('creates every Kafka topic a datasource reads (MSK Serverless never auto-creates them)', () => {
    const job = manifests.find((m) => m.kind === 'Job' && m.metadata.name.startsWith('druid-kafka-topics-'));
    const tpl = job?.spec.template.spec;
    expect(tpl?.serviceAccountName).toBe('druid-kafka-topics');
    const script = ((tpl?.containers[0].command ?? []) as string[]).join(' ');
    expect(script).toMatch(
      /kafka-topics\.sh --bootstrap-server "\$BOOTSTRAP_SERVERS" --command-config \S+ --create --if-not-exists --topic 'clicks' --partitions \d+/,
    );
    expect(script).toContain('sasl.mechanism=AWS_MSK_IAM');
    expect(tpl?.containers[0].image).toBe(VERSIONS.druid.kafkaImage);
    expect(tpl?.initContainers[0].command.join(' ')).toContain('sha256sum -c');
    const association = Object.values(resources).find(
      (r) =>
        r.Type === 'AWS::EKS::PodIdentityAssociation' && r.Properties.ServiceAccount === 'druid-kafka-topics',
    );
    expect(association?.Properties.Namespace).toBe('druid');
  });

  it('keeps the MSK Serverless cluster when the stack goes (it holds data not yet in deep storage)', () => {
    const msk = Object.values(resources).find((r) => r.Type === 'AWS::MSK::ServerlessCluster');
    expect(msk?.DeletionPolicy).toBe('Retain');
    expect(msk?.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('metrics', () => {
  it('exports Prometheus per process and never from peons (forked with the MiddleManager properties)', () => {
    const common = parseRuntimeProperties(spec()['common.runtime.properties']);
    expect(common['druid.emitter.prometheus.port']).toBeUndefined();
    for (const [key, node] of Object.entries(spec().nodes)) {
      const p = parseRuntimeProperties(node['runtime.properties']);
      expect(p['druid.emitter.prometheus.port'], key).toBeDefined();
    }
    const mm = parseRuntimeProperties(spec().nodes.middlemanagers?.['runtime.properties'] ?? '');
    expect(mm[DRUID_PROPERTY_FACTS.peonEmitterOverride]).toBe('noop');
  });

  it('annotates the pods for the annotation autodiscovery the platform enables', () => {
    const a = spec().podAnnotations ?? {};
    expect(a[K8S_MONITORING_DISCOVERY_FACTS.scrape]).toBe('true');
    const port = a[K8S_MONITORING_DISCOVERY_FACTS.portNumber];
    for (const node of Object.values(spec().nodes)) {
      expect(node.podAnnotations).toBeUndefined(); // the operator would replace the cluster's
      expect(parseRuntimeProperties(node['runtime.properties'])['druid.emitter.prometheus.port']).toBe(port);
    }
  });
});

describe('node sizing (FST-DRUID1)', () => {
  const model = KARPENTER_ALLOCATABLE_FACTS;
  const pools = () => manifests.filter((m) => m.kind === 'NodePool');
  const req = (pool: Any | undefined, key: string, op: string) =>
    Number(
      ((pool?.spec.template.spec.requirements ?? []) as Any[]).find((r) => r.key === key && r.operator === op)
        ?.values[0],
    );

  it('admits only instance sizes whose allocatable CPU and memory hold the pod', () => {
    const s = stack.settings;
    const shapes = stack.kubernetes.nodeShapes;
    for (const [role, n] of [
      ['coordinator', s.coordinator],
      ['broker', s.broker],
      ['router', s.router],
      ['middlemanager', s.middleManager],
      ['historicals', s.historicalTiers[0]],
    ] as const) {
      const shape = shapes[role];
      expect(shape, role).toBeDefined();
      if (!shape || !n) continue;
      expect(podCpuMillis(model, shape.minVcpu), role).toBeGreaterThanOrEqual(n.cpu * 1000);
      const pool = pools().find((p) => p.metadata.name === `druid-analytics-${role}`);
      expect(req(pool, 'karpenter.k8s.aws/instance-cpu', 'Gt'), role).toBe(shape.minVcpu - 1);
      expect(req(pool, 'karpenter.k8s.aws/instance-memory', 'Gt'), role).toBeGreaterThan(n.memoryMiB);
    }
  });

  it('fits the default MiddleManager on an 8-vCPU node', () => {
    expect(stack.kubernetes.nodeShapes.middlemanager?.minVcpu).toBe(8);
  });

  it('limits each NodePool in instance capacity: replicas + 1 of its largest size', () => {
    for (const pool of pools()) {
      const role = pool.metadata.name.replace('druid-analytics-', '');
      const shape = stack.kubernetes.nodeShapes[role];
      expect(Number(pool.spec.limits.cpu), role).toBeGreaterThanOrEqual(
        req(pool, 'karpenter.k8s.aws/instance-cpu', 'Lt') - 1,
      );
      expect(Number(pool.spec.limits.cpu), role).toBe(shape?.limitCpu);
    }
  });

  it('refuses a pod no allowed instance size can hold', () => {
    expect(() =>
      nodeShape('x/broker', model, { replicas: 2, cpu: 8, memoryMiB: 4096 }, ['m7g']),
    ).not.toThrow();
    expect(() =>
      nodeShape('x/broker', model, { replicas: 2, cpu: 4, memoryMiB: 2_000_000 }, ['m7g']),
    ).toThrow(/x\/broker: \[FST-DRUID1\].*fits no size/);
  });

  it('never expires historical nodes (a new node starts with an empty segment cache)', () => {
    for (const pool of pools()) {
      const expire = pool.spec.template.spec.expireAfter;
      if (pool.metadata.name.includes('historicals'))
        expect(expire).toBe(KARPENTER_ALLOCATABLE_FACTS.expireAfterNever);
      else expect(expire).toMatch(/^\d+h$/);
    }
  });
});

describe('operations', () => {
  it('reloads the keystore cert-manager rewrites on renewal', () => {
    const common = parseRuntimeProperties(spec()['common.runtime.properties']);
    expect(common[DRUID_PROPERTY_FACTS.reloadSslContext]).toBe('true');
  });

  it('lets the stack delete the router ALB (no deletion protection)', () => {
    const ingress = manifests.find((m) => m.kind === 'Ingress');
    expect(JSON.stringify(ingress?.metadata.annotations)).not.toContain('deletion_protection.enabled=true');
  });

  it('never re-runs a backfill when a supervisor spec changes', () => {
    const jobs = (ms: Any[]) => ms.filter((m) => m.kind === 'Job').map((m) => m.metadata.name as string);
    const before = jobs(manifests);
    const changed = synthDruid((raw) => {
      const druid = (raw.defaults as Any).druid;
      druid.datasources[0].taskDuration = 'PT2H';
    });
    const after = jobs(changed.stack.resolve(changed.stack.kubernetes.objects) as Any[]);
    const backfill = (names: string[]) => names.filter((n) => n.startsWith('druid-backfill-'));
    const specs = (names: string[]) => names.filter((n) => n.startsWith('druid-apply-specs-'));
    expect(backfill(before)).toHaveLength(1);
    expect(backfill(after)).toEqual(backfill(before));
    expect(specs(after)).not.toEqual(specs(before));
    const applier = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === specs(before)[0]);
    expect(Object.keys(applier?.data ?? {}).some((f) => f.endsWith('.batch.json'))).toBe(false);
  }, 120_000);
});
