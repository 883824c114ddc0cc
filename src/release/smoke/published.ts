import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { EnvironmentModel } from '../../config';

/** Published values (`/fastish/<env>/<arch>/<key>`) each step needs, by architecture. */
export const SMOKE_KEYS = {
  webapp: { apiUrl: 'api/url', userPoolId: 'user-pool/id', clientId: 'user-pool/client-id' },
  eks: { clusterName: 'cluster/name' },
  druid: { routerUrl: 'router/url', adminPasswordArn: 'secrets/admin-password-arn' },
} as const;

export type Published = ReadonlyMap<string, string>;

/**
 * The values the environment's stacks published in SSM, for the architectures it runs (GetParameters, ten
 * names a call). Names missing from the answer are absent from the map; the steps say which one is missing.
 */
export async function readPublished(ssm: SSMClient, env: EnvironmentModel): Promise<Published> {
  const names = Object.entries(SMOKE_KEYS)
    .filter(([arch]) => env.architectures.includes(arch as never))
    .flatMap(([arch, keys]) =>
      Object.values(keys).map((k) => env.naming.parameterName(arch, ...k.split('/'))),
    );
  const values = new Map<string, string>();
  for (let i = 0; i < names.length; i += 10) {
    const out = await ssm.send(new GetParametersCommand({ Names: names.slice(i, i + 10) }));
    for (const p of out.Parameters ?? []) if (p.Name && p.Value) values.set(p.Name, p.Value);
  }
  return values;
}

/** One published value of the environment, or an error naming the parameter and the stack that writes it. */
export function publishedValue(
  published: Published,
  env: EnvironmentModel,
  arch: string,
  key: string,
): string {
  const name = env.naming.parameterName(arch, ...key.split('/'));
  const value = published.get(name);
  if (!value) throw new Error(`${name} is not published: is ${env.naming.stackName(arch)} deployed?`);
  return value;
}
