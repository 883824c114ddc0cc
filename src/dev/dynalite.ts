import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
} from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS, TENANT_INDEX } from '../runtime/contract';
import { installTransactionEmulation } from './transactions';

// dynalite ships no types.
// biome-ignore lint/suspicious/noExplicitAny: untyped CommonJS module
const dynalite = require('dynalite') as (options: Record<string, unknown>) => any;

export interface LocalDynamo {
  endpoint: string;
  /** Shared by every client so they reuse sockets to dynalite. */
  agent: Agent;
  /**
   * A client with no policy guard: for the stream consumer, seeding checks and tests. Credentials default to
   * the static fake ones (dynalite checks none; the data clients' policy guard checks the session's).
   * Every client has TransactWriteItems and ReturnValuesOnConditionCheckFailure (./transactions.ts).
   */
  client(credentials?: DynamoDBClientConfig['credentials']): DynamoDBClient;
  /** Stops the engine (idempotent); tests stop it early to see how the API reports DynamoDB being down. */
  stop(): Promise<void>;
}

/** Static fake credentials: dynalite ignores them, and they guarantee the SDK never looks for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

export async function startDynalite(options: { dataDir?: string } = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const raw = (credentials: DynamoDBClientConfig['credentials'] = LOCAL_CREDENTIALS) =>
    new DynamoDBClient({
      endpoint,
      region: LOCAL_REGION,
      credentials,
      requestHandler: { httpAgent: agent },
      maxAttempts: 1,
    });
  // Runs the transactions' parts (and the reads behind ReturnValuesOnConditionCheckFailure) for every client.
  const engine = raw();
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    agent,
    client: (credentials = LOCAL_CREDENTIALS) => installTransactionEmulation(raw(credentials), engine),
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}

/**
 * Creates the table with the key schema and sparse tenant index the stack deploys, unless it exists
 * (`--data-dir`; a table from before the index gets no index, and the local billing run reports that).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (err) {
    if (!(err instanceof Error && err.name === 'ResourceNotFoundException')) throw err;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
        { AttributeName: TENANT_INDEX.partitionKey, AttributeType: 'S' },
        { AttributeName: TENANT_INDEX.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      // The stack's sparse tenant index (billing lists tenants with it).
      GlobalSecondaryIndexes: [
        {
          IndexName: TENANT_INDEX.name,
          KeySchema: [
            { AttributeName: TENANT_INDEX.partitionKey, KeyType: 'HASH' },
            { AttributeName: TENANT_INDEX.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...TENANT_INDEX.include] },
        },
      ],
    }),
  );
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
