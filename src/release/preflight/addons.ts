import {
  DescribeAddonConfigurationCommand,
  DescribeAddonVersionsCommand,
  type DescribeAddonVersionsCommandOutput,
  EKSClient,
} from '@aws-sdk/client-eks';
import { type CheckRow, describeError, row } from '../check-rows';
import type { AddonRequirement, Requirements } from './requirements';
import { schemaErrors } from './schema-check';

type AddonVersion = NonNullable<
  NonNullable<DescribeAddonVersionsCommandOutput['addons']>[number]['addonVersions']
>[number];

async function versionsFor(eks: EKSClient, name: string, kubernetesVersion: string): Promise<AddonVersion[]> {
  const versions: AddonVersion[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eks.send(
      new DescribeAddonVersionsCommand({
        addonName: name,
        kubernetesVersion,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    for (const addon of page.addons ?? []) versions.push(...(addon.addonVersions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return versions;
}

async function checkAddon(eks: EKSClient, addon: AddonRequirement, k8s: string): Promise<CheckRow> {
  const check = `eks add-on ${addon.name}`;
  const at = `${addon.version} on Kubernetes ${k8s}`;
  try {
    const versions = await versionsFor(eks, addon.name, k8s);
    const found = versions.find((v) => v.addonVersion === addon.version);
    const compatible = found?.compatibilities?.some((c) => c.clusterVersion === k8s) ?? false;
    if (!found || !compatible) {
      const offered = versions.map((v) => v.addonVersion).filter(Boolean);
      const def = versions.find((v) =>
        v.compatibilities?.some((c) => c.clusterVersion === k8s && c.defaultVersion),
      );
      return row(
        check,
        'fail',
        `${at} is not offered in this region (DescribeAddonVersions lists ${offered.slice(0, 4).join(', ') || 'none'}${offered.length > 4 ? ', …' : ''}${def?.addonVersion ? `; default ${def.addonVersion}` : ''}): change the pin in src/versions.ts`,
      );
    }
    if (!addon.configurationValues) return row(check, 'pass', `${at} offered; no configuration values`);
    const out = await eks.send(
      new DescribeAddonConfigurationCommand({ addonName: addon.name, addonVersion: addon.version }),
    );
    if (!out.configurationSchema) {
      return row(check, 'fail', `${at} publishes no configuration schema, but we set configuration values`);
    }
    const errors = schemaErrors(JSON.parse(addon.configurationValues), JSON.parse(out.configurationSchema));
    return errors.length > 0
      ? row(check, 'fail', `${at}: configuration values rejected by its schema: ${errors.join('; ')}`)
      : row(check, 'pass', `${at} offered; configuration values match its schema (structural check)`);
  } catch (err) {
    return row(check, 'warn', `could not check ${at}: ${describeError(err)}`);
  }
}

/** Each EKS add-on build exists for the cluster's Kubernetes version and accepts our configuration values. */
export async function checkAddons(req: Requirements): Promise<CheckRow[]> {
  if (req.addons.length === 0 || !req.kubernetesVersion) return [];
  const eks = new EKSClient({ region: req.region });
  try {
    const k8s = req.kubernetesVersion;
    return await Promise.all(req.addons.map((a) => checkAddon(eks, a, k8s)));
  } finally {
    eks.destroy();
  }
}
