import { at, type HelmRelease, type KubeObject, keyCalls, known, PHASE, type RuntimeModel } from './model';
import { type PodSession, podCall } from './pod-session';

/** Route 53 ids the rehearsal's record changes get (GetChange polls one). */
const CHANGE = 'arn:aws:route53:::change/C0REHEARSAL';
const zoneArn = (id: string) => `arn:aws:route53:::hostedzone/${id.replace(/^\/?hostedzone\//, '')}`;

/**
 * External Secrets: for every ExternalSecret whose store authenticates as the controller itself (a
 * Secrets Manager provider without `auth`, or with a `role` the controller assumes), the reads of each
 * secret it references: `GetSecretValue` (and `DescribeSecret` for `metadataPolicy: Fetch`, the only
 * time the provider describes), with the secret's key through Secrets Manager.
 */
export async function externalSecretsCalls(model: RuntimeModel, pod: PodSession, _release: HelmRelease) {
  const objects = model
    .kubeObjects()
    .filter((o) => o.stack.account === pod.stack.account && o.cluster === pod.cluster);
  const stores = objects.filter((o) => o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore');
  for (const es of objects.filter((o) => o.kind === 'ExternalSecret')) {
    const step = `ExternalSecret ${es.namespace}/${es.name}`;
    const ref = at(es.body, 'spec', 'secretStoreRef') as { kind?: string; name?: string } | undefined;
    const kind = ref?.kind ?? 'SecretStore';
    const store = stores.find(
      (s) =>
        s.kind === kind &&
        s.name === ref?.name &&
        (kind === 'ClusterSecretStore' || s.namespace === es.namespace),
    );
    const aws = at(store?.body, 'spec', 'provider', 'aws') as Record<string, unknown> | undefined;
    if (!store || !aws) {
      model.ctx.finding(PHASE, `${pod.step}: ${step}`, `store ${kind} ${ref?.name} is not applied`);
      continue;
    }
    if (aws.auth !== undefined) {
      model.ctx.finding(
        PHASE,
        `${pod.step}: ${step}`,
        `store ${store.name} authenticates with its own auth: not replayed`,
        false,
      );
      continue;
    }
    let principal = pod.principal;
    if (known(aws.role)) {
      if (!(await podCall(model, pod, `${step}: store role`, 'sts:AssumeRole', aws.role))) continue;
      principal = aws.role;
    }
    for (const { key, fetchMetadata } of remoteKeys(es)) {
      const secret = model.find(key, pod.stack.account);
      if (secret?.type !== 'AWS::SecretsManager::Secret') {
        model.ctx.finding(
          PHASE,
          `${pod.step}: ${step}`,
          `references secret ${key}, which no deployed stack creates`,
        );
        continue;
      }
      await podCall(model, pod, step, 'secretsmanager:GetSecretValue', secret.arn, {}, principal);
      if (fetchMetadata)
        await podCall(model, pod, step, 'secretsmanager:DescribeSecret', secret.arn, {}, principal);
      const session = principal === pod.principal ? pod.context : {};
      await keyCalls(model, `${pod.step}: ${step}`, principal, secret, 'read', session);
    }
  }
}

function remoteKeys(es: KubeObject): { key: string; fetchMetadata: boolean }[] {
  const refs = [
    ...((at(es.body, 'spec', 'data') ?? []) as unknown[]).map((d) => at(d, 'remoteRef')),
    ...((at(es.body, 'spec', 'dataFrom') ?? []) as unknown[]).map((d) => at(d, 'extract')),
  ];
  return refs
    .filter((r) => known(at(r, 'key')))
    .map((r) => ({ key: String(at(r, 'key')), fetchMetadata: at(r, 'metadataPolicy') === 'Fetch' }));
}

/**
 * cert-manager: DNS-01 challenges of every ACME issuer solving through Route 53 — the TXT record upserted
 * and deleted in the issuer's zone (with the record-set condition keys Route 53 evaluates), the change
 * polled, the zone's records listed.
 */
export async function certManagerCalls(model: RuntimeModel, pod: PodSession, _release: HelmRelease) {
  const issuers = model
    .kubeObjects()
    .filter((o) => o.cluster === pod.cluster && o.stack.account === pod.stack.account)
    .filter((o) => o.kind === 'ClusterIssuer' || o.kind === 'Issuer');
  for (const issuer of issuers) {
    const solvers = (at(issuer.body, 'spec', 'acme', 'solvers') ?? []) as unknown[];
    for (const solver of solvers) {
      const route53 = at(solver, 'dns01', 'route53') as Record<string, unknown> | undefined;
      if (!route53) continue;
      const step = `${issuer.kind} ${issuer.name}: DNS-01`;
      let principal = pod.principal;
      if (known(route53.role)) {
        if (!(await podCall(model, pod, `${step}: issuer role`, 'sts:AssumeRole', route53.role))) continue;
        principal = route53.role;
      }
      if (!known(route53.hostedZoneID)) {
        await podCall(model, pod, step, 'route53:ListHostedZonesByName', '*', {}, principal);
        continue;
      }
      const zone = zoneArn(route53.hostedZoneID);
      const domains = (at(solver, 'selector', 'dnsZones') as string[] | undefined) ?? [
        'rehearsal.example.com',
      ];
      for (const domain of domains) {
        for (const action of ['UPSERT', 'DELETE']) {
          await podCall(
            model,
            pod,
            step,
            'route53:ChangeResourceRecordSets',
            zone,
            recordChange(action, ['TXT'], [`_acme-challenge.${domain}`]),
            principal,
          );
        }
      }
      await podCall(model, pod, step, 'route53:GetChange', CHANGE, {}, principal);
      await podCall(model, pod, step, 'route53:ListResourceRecordSets', zone, {}, principal);
    }
  }
}

function recordChange(action: string, types: string[], names: string[]): Record<string, string[]> {
  return {
    'route53:ChangeResourceRecordSetsActions': [action],
    'route53:ChangeResourceRecordSetsRecordTypes': types,
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': names,
  };
}

/**
 * external-dns (AWS provider): lists the hosted zones, then the records of each zone its
 * `--zone-id-filter` keeps, and upserts A and TXT (registry) records there; with `policy: sync` it
 * deletes them too.
 */
export async function externalDnsCalls(model: RuntimeModel, pod: PodSession, release: HelmRelease) {
  const args = ((at(release.values, 'extraArgs') ?? []) as unknown[]).map(String);
  const zones = args.filter((a) => a.startsWith('--zone-id-filter=')).map((a) => a.split('=')[1] ?? '');
  const domains = ((at(release.values, 'domainFilters') ?? []) as unknown[]).map(String);
  const actions = at(release.values, 'policy') === 'sync' ? ['UPSERT', 'DELETE'] : ['UPSERT'];
  await podCall(model, pod, 'external-dns', 'route53:ListHostedZones', '*');
  if (zones.length === 0) {
    model.ctx.finding(
      PHASE,
      pod.step,
      'external-dns has no --zone-id-filter: the zones it changes are unknown',
      false,
    );
  }
  for (const zone of zones) {
    const arn = zoneArn(zone);
    await podCall(model, pod, `external-dns zone ${zone}`, 'route53:ListResourceRecordSets', arn);
    const names = domains.map((d) => `app.${d}`);
    for (const action of actions) {
      await podCall(
        model,
        pod,
        `external-dns zone ${zone}`,
        'route53:ChangeResourceRecordSets',
        arn,
        recordChange(action, ['A', 'TXT'], names),
      );
    }
  }
}
