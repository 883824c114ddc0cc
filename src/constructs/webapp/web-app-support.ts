import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { Naming } from '../../naming';
import { GATEWAY_RESPONSES } from '../../runtime/contract';
import { EncryptionKey } from '../encryption-key';
import type { GatewayErrorResponse } from './tenant-api';

/** API Gateway's own responses: the runtime's error bodies, and the validation, routing and WAF ones. */
export const WEBAPP_GATEWAY_RESPONSES: Readonly<Record<string, GatewayErrorResponse>> = {
  ...GATEWAY_RESPONSES,
  BAD_REQUEST_BODY: {
    status: 422,
    body: { error: { code: 'validation_failed', message: 'Request body is invalid' } },
  },
  BAD_REQUEST_PARAMETERS: {
    status: 400,
    body: { error: { code: 'invalid_parameter', message: 'Request parameters are invalid' } },
  },
  MISSING_AUTHENTICATION_TOKEN: {
    status: 404,
    body: { error: { code: 'route_not_found', message: 'No such route' } },
  },
  WAF_FILTERED: { status: 403, body: { error: { code: 'forbidden', message: 'Request blocked' } } },
};

/**
 * The web app's two keys: the table's (tenant data), and the operations key (logs, queues, topic,
 * secrets), which CloudWatch Logs of this account may use for its own log groups only.
 */
export function webAppKeys(
  scope: Construct,
  n: Naming,
  where: {
    readonly environment: string;
    readonly region: string;
    readonly account: string;
    readonly partition: string;
  },
): { readonly table: kms.Key; readonly operations: kms.Key } {
  const table = new EncryptionKey(scope, 'TableKey', {
    alias: n.kmsAlias('webapp-table'),
    description: `Fastish ${where.environment}: webapp table (tenant data)`,
  }).key;
  const operations = new EncryptionKey(scope, 'OpsKey', {
    alias: n.kmsAlias('webapp'),
    description: `Fastish ${where.environment}: webapp logs, alarm topic, dead letters, cursor key`,
  }).key;
  operations.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${where.region}.amazonaws.com`)],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${where.partition}:logs:${where.region}:${where.account}:log-group:*`,
        },
      },
    }),
  );
  return { table, operations };
}
