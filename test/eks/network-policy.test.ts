/**
 * Team NetworkPolicies, evaluated with Kubernetes NetworkPolicy semantics (policies selecting a pod are
 * unioned; a connection needs the source's egress and the destination pod's ingress), and the VPC CNI
 * setting without which nobody enforces them.
 */

import { BlockList } from 'node:net';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { eksSettings } from '../../src/config/architectures/eks';
import { namespace, networkPolicies, POD_IDENTITY_AGENT } from '../../src/constructs/eks/manifests';
import { ADDON_FACTS, POD_IDENTITY_AGENT_FACTS } from '../../src/upstream-facts';
import { VERSIONS } from '../../src/versions';
import { buildEksStack, eksPlatform } from './fixture';

type Labels = Record<string, string>;
interface Peer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: { matchLabels?: Labels };
  podSelector?: { matchLabels?: Labels };
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: { protocol?: string; port?: number }[];
}
interface Policy {
  metadata: { namespace: string; name: string };
  spec: {
    podSelector: { matchLabels?: Labels };
    policyTypes: ('Ingress' | 'Egress')[];
    ingress?: Rule[];
    egress?: Rule[];
  };
}
interface Pod {
  namespace: string;
  nsLabels: Labels;
  labels: Labels;
  ip: string;
}
interface Endpoint {
  ip: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  /** Set when the destination is a pod (its ingress policies then apply too). */
  pod?: Pod;
}

const selects = (selector: { matchLabels?: Labels } | undefined, labels: Labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const list = new BlockList();
  list.addSubnet(net ?? '', Number(bits));
  return list.check(ip);
}

/** Whether `peer` (seen from a policy in namespace `ns`) matches the other end of the connection. */
function peerMatches(peer: Peer, ns: string, other: { ip: string; pod?: Pod }): boolean {
  if (peer.ipBlock) {
    return (
      inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip, c))
    );
  }
  if (!other.pod) return false;
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, other.pod.nsLabels)
    : other.pod.namespace === ns;
  return nsOk && selects(peer.podSelector, other.pod.labels);
}

/** NetworkPolicy semantics for one direction of one connection. */
function allowed(
  policies: Policy[],
  pod: Pod,
  direction: 'Ingress' | 'Egress',
  other: { ip: string; pod?: Pod },
  port: number,
  protocol: string,
): boolean {
  const applying = policies.filter(
    (p) =>
      p.metadata.namespace === pod.namespace &&
      selects(p.spec.podSelector, pod.labels) &&
      p.spec.policyTypes.includes(direction),
  );
  if (applying.length === 0) return true;
  return applying.some((p) =>
    ((direction === 'Egress' ? p.spec.egress : p.spec.ingress) ?? []).some((rule) => {
      const peers = (direction === 'Egress' ? rule.to : rule.from) ?? [];
      const peerOk =
        peers.length === 0 || peers.some((peer) => peerMatches(peer, p.metadata.namespace, other));
      const portOk =
        !rule.ports ||
        rule.ports.some((r) => (r.protocol ?? 'TCP') === protocol && (r.port ?? port) === port);
      return peerOk && portOk;
    }),
  );
}

function connects(policies: Policy[], from: Pod, to: Endpoint): boolean {
  if (!allowed(policies, from, 'Egress', to, to.port, to.protocol)) return false;
  return !to.pod || allowed(policies, to.pod, 'Ingress', { ip: from.ip, pod: from }, to.port, to.protocol);
}

const settings = eksSettings.parse({});
const teams = ['analytics', 'product'];
const policies = teams.flatMap((t) => networkPolicies(t, settings.vpcCidr)) as unknown as Policy[];
const nsLabels = (ns: string) =>
  ((namespace(ns, { 'fastish.io/team': ns }).metadata as { labels: Labels }).labels ?? {}) as Labels;
const teamPod = (ns: string, ip: string, labels: Labels = {}): Pod => ({
  namespace: ns,
  nsLabels: nsLabels(ns),
  labels,
  ip,
});
const analytics = teamPod('analytics', '10.0.32.10');
const kubeDns: Pod = {
  namespace: 'kube-system',
  nsLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
  labels: { 'k8s-app': 'kube-dns' },
  ip: '10.0.40.2',
};

describe('team pod egress', () => {
  it('reaches CoreDNS over UDP and TCP', () => {
    expect(connects(policies, analytics, { ip: kubeDns.ip, port: 53, protocol: 'UDP', pod: kubeDns })).toBe(
      true,
    );
    expect(connects(policies, analytics, { ip: kubeDns.ip, port: 53, protocol: 'TCP', pod: kubeDns })).toBe(
      true,
    );
  });

  it('reaches the Pod Identity agent for its credentials, and only on the agent port', () => {
    const agent = POD_IDENTITY_AGENT_FACTS.ipv4;
    expect(
      connects(policies, analytics, { ip: agent, port: POD_IDENTITY_AGENT_FACTS.port, protocol: 'TCP' }),
    ).toBe(true);
    expect(connects(policies, analytics, { ip: agent, port: 2703, protocol: 'TCP' })).toBe(false);
  });

  it('reaches AWS APIs through the interface endpoints in the VPC (HTTPS)', () => {
    const secretsManagerEndpoint = '10.0.3.17';
    expect(connects(policies, analytics, { ip: secretsManagerEndpoint, port: 443, protocol: 'TCP' })).toBe(
      true,
    );
  });

  it('reaches pods of its own namespace', () => {
    const peer = teamPod('analytics', '10.0.33.5', { app: 'api' });
    expect(connects(policies, analytics, { ip: peer.ip, port: 8080, protocol: 'TCP', pod: peer })).toBe(true);
  });

  it("never reaches another team's pods, not even over HTTPS", () => {
    const other = teamPod('product', '10.0.64.9', { app: 'web' });
    for (const port of [443, 8080]) {
      expect(
        connects(policies, analytics, { ip: other.ip, port, protocol: 'TCP', pod: other }),
        `:${port}`,
      ).toBe(false);
    }
  });

  it('does not reach the node metadata service or the internet', () => {
    expect(connects(policies, analytics, { ip: '169.254.169.254', port: 80, protocol: 'TCP' })).toBe(false);
    expect(connects(policies, analytics, { ip: '198.51.100.7', port: 443, protocol: 'TCP' })).toBe(false);
  });

  it('uses the agent address the upstream agent listens on', () => {
    expect(POD_IDENTITY_AGENT).toEqual({
      ipv4: POD_IDENTITY_AGENT_FACTS.ipv4,
      port: POD_IDENTITY_AGENT_FACTS.port,
    });
  });
});

describe('enforcement', () => {
  let vpcCni: Record<string, unknown>;
  beforeAll(() => {
    const { app, stack } = buildEksStack(eksPlatform());
    app.synth();
    const resources = (
      Template.fromStack(stack).toJSON() as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      }
    ).Resources;
    const addon = Object.values(resources).find(
      (r) => r.Type === 'AWS::EKS::Addon' && r.Properties.AddonName === 'vpc-cni',
    );
    vpcCni = addon?.Properties ?? {};
  });
  const at = (o: unknown, path: string): unknown =>
    path
      .split('.')
      .reduce<unknown>(
        (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
        o,
      );

  it('is turned on in the VPC CNI add-on (off by default: policies would be inert)', () => {
    const config = JSON.parse(String(vpcCni.ConfigurationValues)) as Record<string, unknown>;
    expect(config.enableNetworkPolicy).toBe('true');
  });

  it('sets only configuration keys the add-on release has, with their types', () => {
    const facts = ADDON_FACTS.vpcCni;
    expect(String(vpcCni.AddonVersion).replace(/-eksbuild\.\d+$/, '')).toBe(facts.version);
    expect(VERSIONS.eks.addons.vpcCni.startsWith(`${facts.version}-`)).toBe(true);
    const config = JSON.parse(String(vpcCni.ConfigurationValues)) as Record<string, unknown>;
    const leaves: string[] = [];
    const walk = (v: unknown, prefix: string) => {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const path = prefix ? `${prefix}.${k}` : k;
        if (x && typeof x === 'object') walk(x, path);
        else leaves.push(path);
      }
    };
    walk(config, '');
    for (const key of leaves) {
      const type = (facts.configurationKeys as Record<string, string>)[key];
      expect(
        type,
        `${key} is not in ${facts.source.repository}@${facts.source.tag} ${facts.chartPath}`,
      ).toBeDefined();
      expect(typeof at(config, key), key).toBe(type);
    }
  });
});
