import {
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { type CheckRow, describeError, row } from '../check-rows';
import type { Requirements } from './requirements';

/** Service Quotas codes of the quotas a Fastish environment consumes. */
export const QUOTAS = {
  vpcs: { service: 'vpc', code: 'L-F678F1CE', name: 'VPCs per Region' },
  elasticIps: { service: 'ec2', code: 'L-0263D0A3', name: 'EC2-VPC Elastic IPs' },
  natGateways: { service: 'vpc', code: 'L-FE5A380F', name: 'NAT gateways per Availability Zone' },
  lambdaConcurrency: { service: 'lambda', code: 'L-B99A9384', name: 'Concurrent executions' },
  eksClusters: { service: 'eks', code: 'L-1194D53C', name: 'Clusters' },
} as const;
type QuotaKey = keyof typeof QUOTAS;

/** Lambda keeps this much of the account's concurrency unreserved; reservations may take only the rest. */
const LAMBDA_UNRESERVED_MINIMUM = 100;

interface Clients {
  readonly quotas: ServiceQuotasClient;
  readonly ec2: EC2Client;
  readonly eks: EKSClient;
}

/** The applied quota, or AWS's default where the account never changed it (GetServiceQuota: NoSuchResource). */
async function quotaValue(c: Clients, key: QuotaKey): Promise<number> {
  const { service: ServiceCode, code: QuotaCode } = QUOTAS[key];
  try {
    const out = await c.quotas.send(new GetServiceQuotaCommand({ ServiceCode, QuotaCode }));
    if (out.Quota?.Value !== undefined) return out.Quota.Value;
  } catch (err) {
    if ((err as Error).name !== 'NoSuchResourceException') throw err;
  }
  const out = await c.quotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode, QuotaCode }));
  if (out.Quota?.Value === undefined) throw new Error(`no value for quota ${QuotaCode}`);
  return out.Quota.Value;
}

/** Resources the environment's own stacks already hold count once, in the need, not again in the usage. */
const ownedBy = (stacks: ReadonlySet<string>) => (tags: readonly Tag[] | undefined) =>
  (tags ?? []).some((t) => t.Key === 'aws:cloudformation:stack-name' && stacks.has(t.Value ?? ''));

async function allPages<T>(page: (token?: string) => Promise<{ items: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    all.push(...p.items);
    token = p.next;
  } while (token);
  return all;
}

function verdict(key: QuotaKey, need: number, used: number, quota: number, unit = ''): CheckRow {
  const q = QUOTAS[key];
  const detail = `need ${need}${unit}, ${used} in use by others, quota ${quota} (${q.service} ${q.code})`;
  return used + need <= quota
    ? row(`quota ${q.name}`, 'pass', detail)
    : row(`quota ${q.name}`, 'fail', `${detail}: request an increase in Service Quotas or free some`);
}

async function guarded(key: QuotaKey, run: () => Promise<CheckRow[]>): Promise<CheckRow[]> {
  try {
    return await run();
  } catch (err) {
    return [row(`quota ${QUOTAS[key].name}`, 'warn', `could not check: ${describeError(err)}`)];
  }
}

/**
 * Quotas the environment's resources consume, against what the account already uses in the region (minus
 * what the environment's own stacks hold, so a re-run after a deploy does not count them twice).
 */
export async function checkQuotas(req: Requirements): Promise<CheckRow[]> {
  const region = req.region;
  const c: Clients = {
    quotas: new ServiceQuotasClient({ region }),
    ec2: new EC2Client({ region }),
    eks: new EKSClient({ region }),
  };
  const owned = ownedBy(new Set(req.stackNames));
  try {
    const checks: Promise<CheckRow[]>[] = [];
    if (req.vpcs > 0) {
      checks.push(
        guarded('vpcs', async () => {
          const vpcs = await allPages(async (NextToken) => {
            const out = await c.ec2.send(new DescribeVpcsCommand({ ...(NextToken ? { NextToken } : {}) }));
            return { items: out.Vpcs ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
          });
          const used = vpcs.filter((v) => !owned(v.Tags)).length;
          return [verdict('vpcs', req.vpcs, used, await quotaValue(c, 'vpcs'))];
        }),
      );
    }
    if (req.elasticIps > 0) {
      checks.push(
        guarded('elasticIps', async () => {
          const out = await c.ec2.send(new DescribeAddressesCommand({}));
          const used = (out.Addresses ?? []).filter((a) => !owned(a.Tags)).length;
          return [verdict('elasticIps', req.elasticIps, used, await quotaValue(c, 'elasticIps'))];
        }),
      );
    }
    const zones = Object.entries(req.natGatewaysPerAz);
    if (zones.length > 0) {
      checks.push(
        guarded('natGateways', async () => {
          const nats = await allPages(async (NextToken) => {
            const out = await c.ec2.send(
              new DescribeNatGatewaysCommand({
                Filter: [{ Name: 'state', Values: ['pending', 'available'] }],
                ...(NextToken ? { NextToken } : {}),
              }),
            );
            return { items: out.NatGateways ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
          });
          const others = nats.filter((n) => !owned(n.Tags));
          const subnetIds = [...new Set(others.map((n) => n.SubnetId).filter((s): s is string => !!s))];
          const zoneOf = new Map<string, string>();
          if (subnetIds.length > 0) {
            const out = await c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }));
            for (const s of out.Subnets ?? []) zoneOf.set(s.SubnetId ?? '', s.AvailabilityZone ?? '');
          }
          const quota = await quotaValue(c, 'natGateways');
          return zones.map(([zone, need]) => {
            const used = others.filter((n) => zoneOf.get(n.SubnetId ?? '') === zone).length;
            const r = verdict('natGateways', need, used, quota, ` in ${zone}`);
            return { ...r, check: `${r.check} (${zone})` };
          });
        }),
      );
    }
    if (req.eksClusters > 0) {
      checks.push(
        guarded('eksClusters', async () => {
          const names = await allPages(async (nextToken) => {
            const out = await c.eks.send(new ListClustersCommand({ ...(nextToken ? { nextToken } : {}) }));
            return { items: out.clusters ?? [], ...(out.nextToken ? { next: out.nextToken } : {}) };
          });
          const used = names.filter((n) => !req.clusterNames.includes(n)).length;
          return [verdict('eksClusters', req.eksClusters, used, await quotaValue(c, 'eksClusters'))];
        }),
      );
    }
    checks.push(
      guarded('lambdaConcurrency', async () => {
        const quota = await quotaValue(c, 'lambdaConcurrency');
        const q = QUOTAS.lambdaConcurrency;
        const check = `quota Lambda ${q.name.toLowerCase()}`;
        const reservable = quota - LAMBDA_UNRESERVED_MINIMUM;
        const base = `quota ${quota} (${q.service} ${q.code})`;
        if (req.reservedConcurrency > Math.max(reservable, 0)) {
          return [
            row(
              check,
              'fail',
              `the functions reserve ${req.reservedConcurrency}, but Lambda lets a region reserve at most quota - ${LAMBDA_UNRESERVED_MINIMUM} = ${Math.max(reservable, 0)}; ${base}: request an increase or lower webapp.apiReservedConcurrency`,
            ),
          ];
        }
        if (quota < 1000) {
          return [
            row(
              check,
              'warn',
              `${base}, below the usual 1000: every function of the region shares ${quota} concurrent executions (new accounts start low); request an increase before production traffic`,
            ),
          ];
        }
        return [row(check, 'pass', `${base}; reserved by the functions: ${req.reservedConcurrency}`)];
      }),
    );
    return (await Promise.all(checks)).flat();
  } finally {
    c.quotas.destroy();
    c.ec2.destroy();
    c.eks.destroy();
  }
}
