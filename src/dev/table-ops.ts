import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** One DynamoDB call the API function made, as the local server saw it leave the function. */
export interface TableOperation {
  /** The SDK command, e.g. `GetItemCommand`, `TransactWriteItemsCommand`. */
  readonly command: string;
  /** Items a batch or transaction touches (1 for single-item calls, Query and Scan). */
  readonly items: number;
}

export type TableOperationListener = (operation: TableOperation) => void;

/** Items a call touches: a transaction or batch counts each of its items, as DynamoDB meters them. */
function itemCount(command: string, input: Record<string, unknown>): number {
  if (command === 'TransactWriteItemsCommand' || command === 'TransactGetItemsCommand') {
    return (input.TransactItems as unknown[] | undefined)?.length ?? 0;
  }
  if (command === 'BatchWriteItemCommand') {
    const byTable = (input.RequestItems ?? {}) as Record<string, unknown[]>;
    return Object.values(byTable).reduce((n, requests) => n + requests.length, 0);
  }
  if (command === 'BatchGetItemCommand') {
    const byTable = (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[] }>;
    return Object.values(byTable).reduce((n, t) => n + (t.Keys?.length ?? 0), 0);
  }
  return 1;
}

/**
 * Reports every call a client sends (before the policy guard and the stream recorder, which add calls of
 * their own on other clients), so a benchmark can count the table operations a request costs.
 */
export function installOperationCounter(
  client: DynamoDBClient,
  listener: TableOperationListener,
): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName ?? '');
      listener({ command, items: itemCount(command, args.input as Record<string, unknown>) });
      return next(args);
    },
    { step: 'initialize', name: 'fastishOperationCounter' },
  );
  return client;
}
