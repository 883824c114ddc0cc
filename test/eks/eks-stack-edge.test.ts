import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EksStacks, eksQueries, synthEksStacks, type Tpl, ZONE } from './eks-stacks';
import { helmReleasesOf, type K8sDoc, validateK8s } from './manifests';

// The EKS stack: ingress, certificates, DNS, observability, teams, schemas, outputs and gates.
let template: Template;
let json: Tpl;
let docs: K8sDoc[];
let nag: { aws: string[]; serverless: string[] };
let synthMs: number;
let minimal: Template;

let stacks: EksStacks;

beforeAll(() => {
  stacks = synthEksStacks();
  ({ template, json, docs, nag, synthMs, minimal } = stacks);
});

const { resourcesOf, release, kinds } = eksQueries(() => stacks);

describe('ingress, certificates, DNS, observability', () => {
  it('installs External Secrets even without Grafana Cloud, with a role that can read nothing by default', () => {
    const minimalJson = minimal.toJSON() as Tpl;
    const eso = helmReleasesOf(minimalJson).find((r) => r.chart === 'external-secrets');
    expect(eso?.namespace).toBe('external-secrets');
    // No Grafana secret in the minimal stack, so no Secrets Manager grant on the operator's role.
    const policies = Object.values(minimalJson.Resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const esoPolicies = policies.filter((p) => JSON.stringify(p.Properties).includes('ExternalSecretsRole'));
    expect(JSON.stringify(esoPolicies)).not.toContain('secretsmanager:GetSecretValue');
    // With Grafana Cloud, the operator may read exactly the credentials secret.
    const grants = resourcesOf('AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties).includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(grants)).toContain('ObservabilityCredentials');
  });

  it('attaches the WAF web ACL to the internet-facing class only; the internal class is the default', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([Match.objectLike({ Name: 'RateLimitPerIp' })]),
    });
    const params = kinds('IngressClassParams') as unknown as {
      metadata: { name: string };
      spec: Record<string, unknown>;
    }[];
    const pub = params.find((p) => p.metadata.name === 'alb-public');
    const internal = params.find((p) => p.metadata.name === 'alb-internal');
    expect(pub?.spec).toMatchObject({ scheme: 'internet-facing', targetType: 'ip', wafv2AclArn: 'TOKEN' });
    expect(internal?.spec).toMatchObject({ scheme: 'internal', targetType: 'ip' });
    expect(internal?.spec.wafv2AclArn).toBeUndefined();
    const defaults = kinds('IngressClass').filter(
      (c) =>
        (c.metadata.annotations as Record<string, string> | undefined)?.[
          'ingressclass.kubernetes.io/is-default-class'
        ] === 'true',
    );
    expect(defaults.map((c) => c.metadata.name)).toEqual(['alb-internal']);
  });

  it("issues Let's Encrypt certificates through DNS-01 in the configured zone", () => {
    const issuers = kinds('ClusterIssuer') as unknown as {
      metadata: { name: string };
      spec: { acme: { server: string; solvers: { dns01?: { route53: { hostedZoneID: string } } }[] } };
    }[];
    expect(issuers.map((i) => i.metadata.name).sort()).toEqual(['letsencrypt', 'letsencrypt-staging']);
    expect(issuers[0]?.spec.acme.solvers[0]?.dns01?.route53.hostedZoneID).toBe(ZONE.hostedZoneId);
  });

  it('limits external-dns to the configured zone, and installs it only when one is set', () => {
    const dns = release('external-dns');
    expect(dns.values).toMatchObject({ domainFilters: [ZONE.hostedZone], policy: 'upsert-only' });
    expect(dns.values.extraArgs).toContain(`--zone-id-filter=${ZONE.hostedZoneId}`);
    const policy = JSON.stringify(
      resourcesOf('AWS::IAM::Policy').find(
        (p) =>
          JSON.stringify(p).includes('route53:ChangeResourceRecordSets') &&
          JSON.stringify(p).includes('ListTagsForResource'),
      ),
    );
    expect(policy).toContain(`hostedzone/${ZONE.hostedZoneId}`);
    expect(helmReleasesOf(minimal.toJSON() as Tpl).map((r) => r.chart)).not.toContain('external-dns');
  });

  it('keeps Grafana Cloud credentials out of the template, Helm values and pod env', () => {
    const mon = release('k8s-monitoring');
    const dests = mon.values.destinations as {
      secret: { create: boolean; name: string };
      auth: Record<string, string>;
    }[];
    expect(dests).toHaveLength(2);
    for (const d of dests) {
      expect(d.secret).toMatchObject({ create: false, name: 'grafana-cloud-credentials' });
      expect(Object.keys(d.auth).sort()).toEqual(['passwordKey', 'type', 'usernameKey']);
    }
    expect(mon.rawValues).not.toMatch(/"(password|token|username)"\s*:/i);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'token' }),
    });
    const es = kinds('ExternalSecret')[0] as unknown as {
      spec: { dataFrom: { extract: { key: string } }[] };
    };
    expect(es.spec.dataFrom[0]?.extract.key).toBe('acme-prod-eks-grafana-cloud');
  });
});

describe('teams', () => {
  it('gives each team a namespace with quota, limits, default-deny network policy and RBAC', () => {
    for (const team of ['platform', 'analytics', 'product']) {
      const own = docs.filter(
        (d) => d.metadata.namespace === team || (d.kind === 'Namespace' && d.metadata.name === team),
      );
      const byKind = (k: string) => own.filter((d) => d.kind === k).map((d) => d.metadata.name);
      expect(byKind('Namespace')).toEqual([team]);
      expect(byKind('ResourceQuota')).toHaveLength(1);
      expect(byKind('LimitRange')).toHaveLength(1);
      expect(byKind('NetworkPolicy')).toEqual(
        expect.arrayContaining(['default-deny-all', 'allow-dns', 'allow-same-namespace']),
      );
    }
    const deny = docs.find(
      (d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'default-deny-all',
    ) as unknown as {
      spec: { podSelector: object; policyTypes: string[]; ingress?: unknown; egress?: unknown };
    };
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const bindings = kinds('RoleBinding') as unknown as {
      metadata: { namespace: string };
      subjects: { name: string }[];
      roleRef: { name: string };
    }[];
    const summary = bindings
      .map((b) => `${b.metadata.namespace}:${b.subjects[0]?.name}->${b.roleRef.name}`)
      .sort();
    expect(summary).toEqual([
      'analytics:fastish:analytics:developer->edit',
      'analytics:fastish:analytics:read-only->view',
      'platform:fastish:platform:admin->admin',
      'platform:fastish:platform:developer->edit',
    ]);
  });
});

describe('schemas', () => {
  it('validates every manifest the stack applies against its schema', () => {
    expect(docs.length).toBeGreaterThan(30);
    for (const d of docs) expect(() => validateK8s(d), `${d.kind}/${d.metadata.name}`).not.toThrow();
    const covered = new Set(docs.map((d) => d.kind));
    for (const k of [
      'NodePool',
      'EC2NodeClass',
      'ClusterIssuer',
      'StorageClass',
      'IngressClassParams',
      'ExternalSecret',
    ]) {
      expect(covered.has(k)).toBe(true);
    }
  });

  it('rejects invalid objects (the validators are live)', () => {
    const pool = kinds('NodePool')[0] as K8sDoc;
    const broken = {
      ...pool,
      spec: { ...(pool.spec as object), limits: { cpu: { nested: true } } },
    } as K8sDoc;
    expect(() => validateK8s(broken)).toThrow();
    const params = kinds('IngressClassParams')[0] as K8sDoc;
    expect(() => validateK8s({ ...params, spec: { scheme: 'public' } } as K8sDoc)).toThrow();
    expect(() => validateK8s({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toThrow(
      /no schema/,
    );
  });
});

describe('outputs and gates', () => {
  it('publishes cluster details under /fastish/<env>/eks/', () => {
    for (const key of [
      'cluster/name',
      'cluster/endpoint',
      'cluster/oidc-issuer',
      'pod-identity/trust-principal',
      'kubeconfig-command',
    ]) {
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: `/fastish/prod/eks/${key}` });
    }
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/fastish/prod/eks/kubeconfig-command',
      Value: Match.stringLikeRegexp(
        'aws eks update-kubeconfig --name acme-prod-eks --region eu-west-1 --role-arn .*team-platform-admin',
      ),
    });
  });

  it('grants no IAM action wildcard', () => {
    const actions = resourcesOf('AWS::IAM::Policy')
      .concat(resourcesOf('AWS::IAM::ManagedPolicy'))
      .flatMap(
        (p) =>
          (p.Properties as { PolicyDocument: { Statement: { Action: string | string[] }[] } }).PolicyDocument
            .Statement,
      )
      .flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });

  it('has zero unacknowledged cdk-nag findings (AwsSolutions + Serverless)', () => {
    expect(nag.aws).toEqual([]);
    expect(nag.serverless).toEqual([]);
  });

  it('synthesizes a small stack quickly once the validator is warm', () => {
    console.log(`eks synth: ${synthMs} ms, ${Object.keys(json.Resources).length} resources (full config)`);
    expect(Object.keys(json.Resources).length).toBeLessThan(450);
    expect(synthMs).toBeLessThan(15_000);
  });
});
