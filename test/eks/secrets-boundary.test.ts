import { type CelInput, run } from '@bufbuild/cel';
/**
 * No namespace reaches another team's secrets (issue 11 §4): the External Secrets controller's own AWS
 * identity may read platform secrets (Grafana Cloud token, Druid passwords), so nothing a team can write may
 * make the controller read with it. Three layers, each tested on the synthesized template: no External
 * Secrets rights through `view`/`edit`, platform stores usable only from named namespaces, and admission
 * policies refusing credential-less stores and AWS generators in team namespaces.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AWS_GENERATOR_EXPRESSION,
  SECRET_STORE_EXPRESSION,
} from '../../src/constructs/eks/secret-store-policy';
import { LEVEL_CLUSTER_ROLES, TEAM_NAMESPACE_LABEL } from '../../src/constructs/eks/teams';
import {
  CHART_FACTS,
  EXTERNAL_SECRETS_FACTS,
  KUBERNETES_RBAC_FACTS,
  type UserFacingRole,
} from '../../src/upstream-facts';
import { buildEksStack, eksPlatform } from './fixture';
import { helmReleasesOf, type K8sDoc, manifestsOf, validateK8s } from './manifests';

const GRAFANA = {
  prometheusUrl: 'https://prometheus-prod-01-eu-west-0.grafana.net/api/prom/push',
  lokiUrl: 'https://logs-prod-eu-west-0.grafana.net/loki/api/v1/push',
};

type Json = Record<string, unknown>;
let docs: K8sDoc[];
let esoValues: Json;
let teams: string[];

beforeAll(() => {
  const platform = eksPlatform({ grafanaCloud: GRAFANA });
  teams = platform.teams.map((t) => t.name);
  const { app, stack } = buildEksStack(platform);
  app.synth();
  const json = Template.fromStack(stack).toJSON() as never;
  docs = manifestsOf(json).flatMap((m) => m.docs);
  esoValues = helmReleasesOf(json).find((r) => r.chart === 'external-secrets')?.values ?? {};
});

const at = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Json)[k] : undefined), o);
const kinds = (kind: string) => docs.filter((d) => d.kind === kind);
const namespaceLabels = (ns: string) =>
  (docs.find((d) => d.kind === 'Namespace' && d.metadata.name === ns)?.metadata.labels ?? {}) as Record<
    string,
    string
  >;
/** A store reads with the controller's own identity unless its AWS provider names credentials of its own. */
const usesControllerIdentity = (store: K8sDoc) => {
  const aws = at(store, 'spec.provider.aws') as Json | undefined;
  const auth = (aws?.auth ?? {}) as Json;
  return aws !== undefined && !EXTERNAL_SECRETS_FACTS.awsAuthMembers.some((m) => m in auth);
};

describe('team roles and the External Secrets chart', () => {
  /** External Secrets verbs a user-facing role receives from the chart's aggregated ClusterRoles. */
  function verbsOf(role: UserFacingRole): string[] {
    const reaching = [role, ...KUBERNETES_RBAC_FACTS.includes[role]];
    return (CHART_FACTS.externalSecrets.aggregatedRoles ?? [])
      .filter((r) =>
        reaching.some((target) => {
          const on = r.aggregateTo[target];
          return on === true || (on !== undefined && at(esoValues, on) !== false);
        }),
      )
      .flatMap((r) => [...r.verbs]);
  }

  it('give developers and read-only members no External Secrets rights at all', () => {
    expect(verbsOf(LEVEL_CLUSTER_ROLES.developer)).toEqual([]);
    expect(verbsOf(LEVEL_CLUSTER_ROLES['read-only'])).toEqual([]);
  });

  it('still let team admins create stores (the chart always aggregates into admin): admission covers them', () => {
    expect(verbsOf(LEVEL_CLUSTER_ROLES.admin)).toContain('create');
    const binding = kinds('ValidatingAdmissionPolicyBinding')[0];
    expect(at(binding, 'spec.matchResources.namespaceSelector.matchExpressions')).toEqual([
      { key: TEAM_NAMESPACE_LABEL, operator: 'Exists' },
    ]);
  });
});

describe('stores that read with the controller identity', () => {
  it('are cluster-scoped stores limited to platform namespaces, never namespaced stores', () => {
    const stores = [...kinds('SecretStore'), ...kinds('ClusterSecretStore')].filter(usesControllerIdentity);
    expect(stores.length).toBeGreaterThan(0);
    for (const store of stores) {
      expect(store.kind, store.metadata.name).toBe('ClusterSecretStore');
      const conditions = (at(store, 'spec.conditions') ?? []) as Json[];
      const allowed = conditions.flatMap((c) => (c.namespaces ?? []) as string[]);
      // Only name lists: a label selector or a regex could match a namespace a team controls.
      expect(conditions.every((c) => Object.keys(c).join() === 'namespaces')).toBe(true);
      expect(allowed.length).toBeGreaterThan(0);
      for (const ns of allowed) {
        expect(teams, `${store.metadata.name} may be used from ${ns}`).not.toContain(ns);
        expect(namespaceLabels(ns)[TEAM_NAMESPACE_LABEL]).toBeUndefined();
      }
    }
  });

  it('serve only ExternalSecrets in the namespaces they allow', () => {
    for (const es of kinds('ExternalSecret')) {
      const ref = at(es, 'spec.secretStoreRef') as { kind: string; name: string };
      if (ref.kind !== 'ClusterSecretStore') continue;
      const store = kinds('ClusterSecretStore').find((s) => s.metadata.name === ref.name);
      const allowed = ((at(store, 'spec.conditions') ?? []) as Json[]).flatMap(
        (c) => (c.namespaces ?? []) as string[],
      );
      expect(allowed).toContain(es.metadata.namespace);
    }
  });
});

describe('admission in team namespaces', () => {
  const policies = () => kinds('ValidatingAdmissionPolicy');
  const bindings = () => kinds('ValidatingAdmissionPolicyBinding');
  const selects = (ns: string) => {
    const labels = namespaceLabels(ns);
    return bindings().every((b) =>
      ((at(b, 'spec.matchResources.namespaceSelector.matchExpressions') ?? []) as Json[]).every(
        (e) => e.operator === 'Exists' && String(e.key) in labels,
      ),
    );
  };

  it('validate against the Kubernetes schemas', () => {
    expect(policies().length).toBe(2);
    for (const d of [...policies(), ...bindings()]) expect(() => validateK8s(d)).not.toThrow();
  });

  it('bind every policy, denying, in every team namespace and in no platform namespace', () => {
    expect(
      bindings()
        .map((b) => at(b, 'spec.policyName'))
        .sort(),
    ).toEqual(
      policies()
        .map((p) => p.metadata.name)
        .sort(),
    );
    for (const b of bindings()) expect(at(b, 'spec.validationActions')).toEqual(['Deny']);
    for (const team of teams) expect(selects(team), team).toBe(true);
    for (const ns of ['kube-system', 'monitoring', 'external-secrets']) {
      expect(selects(ns), ns).toBe(false);
    }
  });

  it('cover creating and updating SecretStores and every AWS generator, failing closed', () => {
    const covered = policies().flatMap((p) =>
      ((at(p, 'spec.matchConstraints.resourceRules') ?? []) as Json[]).flatMap((r) =>
        ((r.resources ?? []) as string[]).map(
          (res) => `${(r.apiGroups as string[]).join()}/${res} ${(r.operations as string[]).join()}`,
        ),
      ),
    );
    expect(covered.sort()).toEqual(
      [
        'external-secrets.io/secretstores',
        ...EXTERNAL_SECRETS_FACTS.awsGenerators.map((g) => `generators.external-secrets.io/${g}`),
      ]
        .map((r) => `${r} CREATE,UPDATE`)
        .sort(),
    );
    for (const p of policies()) expect(at(p, 'spec.failurePolicy')).toBe('Fail');
  });

  it('test exactly the credential members that bypass the controller identity', () => {
    for (const expression of [SECRET_STORE_EXPRESSION, AWS_GENERATOR_EXPRESSION]) {
      const members = [...expression.matchAll(/\.auth\.(\w+)\)/g)].map((m) => m[1]);
      expect([...new Set(members)].sort()).toEqual([...EXTERNAL_SECRETS_FACTS.awsAuthMembers].sort());
    }
    const applied = policies().flatMap((p) =>
      ((at(p, 'spec.validations') ?? []) as Json[]).map((v) => v.expression),
    );
    expect(applied.sort()).toEqual([AWS_GENERATOR_EXPRESSION, SECRET_STORE_EXPRESSION].sort());
  });
});

/** The CEL expressions evaluated on sample objects with a CEL evaluator (`@bufbuild/cel`, Apache-2.0). */
describe('admission expressions, evaluated', () => {
  const store = (aws: Json | undefined, other?: Json) => ({
    spec: { provider: aws ? { aws: { service: 'SecretsManager', region: 'eu-west-1', ...aws } } : other },
  });
  const admits = (expr: string, object: unknown) => run(expr, { object: object as CelInput });

  it('refuse a store that would read with the controller identity', () => {
    expect(admits(SECRET_STORE_EXPRESSION, store({}))).toBe(false);
    expect(admits(SECRET_STORE_EXPRESSION, store({ auth: {} }))).toBe(false);
    expect(admits(SECRET_STORE_EXPRESSION, store({ role: 'arn:aws:iam::1:role/r' }))).toBe(false);
  });

  it('admit stores with credentials of their own, or without an AWS provider', () => {
    const jwt = { auth: { jwt: { serviceAccountRef: { name: 'app' } } } };
    const keys = { auth: { secretRef: { accessKeyIDSecretRef: { name: 'k', key: 'id' } } } };
    expect(admits(SECRET_STORE_EXPRESSION, store(jwt))).toBe(true);
    expect(admits(SECRET_STORE_EXPRESSION, store(keys))).toBe(true);
    expect(admits(SECRET_STORE_EXPRESSION, store(undefined, { vault: { server: 'https://vault' } }))).toBe(
      true,
    );
  });

  it('refuse an AWS generator without credentials, admit one with', () => {
    expect(admits(AWS_GENERATOR_EXPRESSION, { spec: { region: 'eu-west-1' } })).toBe(false);
    expect(
      admits(AWS_GENERATOR_EXPRESSION, {
        spec: { region: 'eu-west-1', auth: { jwt: { serviceAccountRef: {} } } },
      }),
    ).toBe(true);
  });
});
