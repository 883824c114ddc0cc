import { AmplifyClient, ListAppsCommand } from '@aws-sdk/client-amplify';
import { CodeStarConnectionsClient, GetConnectionCommand } from '@aws-sdk/client-codestar-connections';
import { KafkaClient, ListClustersV2Command } from '@aws-sdk/client-kafka';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type CheckRow, describeError, row } from '../check-rows';
import type { Requirements } from './requirements';

/** The credentials are for the environment's account (anything else would check, or deploy to, another one). */
export async function checkIdentity(req: Requirements): Promise<CheckRow> {
  const sts = new STSClient({ region: req.region });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return out.Account === req.account
      ? row('identity', 'pass', `${out.Arn} in account ${out.Account}`)
      : row(
          'identity',
          'fail',
          `the credentials are for account ${out.Account} (${out.Arn}); environment ${req.environment} is account ${req.account}`,
        );
  } catch (err) {
    return row('identity', 'fail', `no usable AWS credentials: ${describeError(err)}`);
  }
}

/** The release pipeline's source connection has completed its handshake (a PENDING one fails every run). */
export async function checkConnection(req: Requirements): Promise<CheckRow[]> {
  if (!req.connectionArn) return [];
  const region = req.connectionArn.split(':')[3] ?? req.region;
  const client = new CodeStarConnectionsClient({ region });
  try {
    const out = await client.send(new GetConnectionCommand({ ConnectionArn: req.connectionArn }));
    const status = out.Connection?.ConnectionStatus ?? 'UNKNOWN';
    const what = `${req.connectionArn} (${out.Connection?.ProviderType ?? 'provider unknown'})`;
    return [
      status === 'AVAILABLE'
        ? row('source connection', 'pass', `${what} is AVAILABLE`)
        : row(
            'source connection',
            'fail',
            `${what} is ${status}: ${status === 'PENDING' ? 'complete the handshake in the console (Developer Tools > Settings > Connections > Update pending connection)' : 'recreate or repair it in the console'}`,
          ),
    ];
  } catch (err) {
    const missing = (err as Error).name === 'ResourceNotFoundException';
    return [
      row(
        'source connection',
        missing ? 'fail' : 'warn',
        `${missing ? 'no such connection' : 'could not check'}: ${req.connectionArn}: ${describeError(err)}`,
      ),
    ];
  }
}

/** A region without the service has no endpoint: the SDK's DNS lookup fails. */
const noEndpoint = (err: unknown) => /ENOTFOUND|EAI_AGAIN|UnknownEndpoint/.test(describeError(err));

async function offered(check: string, service: string, region: string, call: () => Promise<string>) {
  try {
    return row(check, 'pass', `${service} answers in ${region}: ${await call()}`);
  } catch (err) {
    return noEndpoint(err)
      ? row(check, 'fail', `${service} is not offered in ${region} (no endpoint: ${describeError(err)})`)
      : row(check, 'warn', `could not check ${service} in ${region}: ${describeError(err)}`);
  }
}

/** Amplify Hosting (the console) and MSK Serverless (Druid's stream) exist in the region. */
export async function checkServices(req: Requirements): Promise<CheckRow[]> {
  const rows: Promise<CheckRow>[] = [];
  if (req.amplify) {
    const amplify = new AmplifyClient({ region: req.region });
    rows.push(
      offered('amplify hosting', 'Amplify', req.region, async () => {
        const out = await amplify.send(new ListAppsCommand({ maxResults: 1 }));
        return `ListApps (${out.apps?.length ?? 0} app(s) on the first page)`;
      }).finally(() => amplify.destroy()),
    );
  }
  if (req.mskServerless) {
    const kafka = new KafkaClient({ region: req.region });
    rows.push(
      offered('msk serverless', 'MSK', req.region, async () => {
        const out = await kafka.send(
          new ListClustersV2Command({ ClusterTypeFilter: 'SERVERLESS', MaxResults: 1 }),
        );
        return `ListClustersV2 SERVERLESS (${out.ClusterInfoList?.length ?? 0} on the first page); the documented Serverless regions are checked by \`fastish validate\``;
      }).finally(() => kafka.destroy()),
    );
  }
  return Promise.all(rows);
}
