import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../runtime/contract';
import type { PartitionGrant } from '../runtime/partitions';

/** SDK command name (low-level or document client) → IAM action. Anything not listed is denied. */
const ACTIONS: Record<string, string> = {
  GetItemCommand: 'dynamodb:GetItem',
  GetCommand: 'dynamodb:GetItem',
  QueryCommand: 'dynamodb:Query',
  PutItemCommand: 'dynamodb:PutItem',
  PutCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  UpdateCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  DeleteCommand: 'dynamodb:DeleteItem',
};

export class LocalAccessDenied extends Error {
  constructor(message: string, name = 'AccessDeniedException') {
    super(message);
    // The names the SDK gives IAM denials (and unknown or expired credentials), so code handling them treats both alike.
    this.name = name;
  }
}

/**
 * Whose credentials a guarded client carries: the grants of its role (partitions.ts, the same data the stack
 * writes into IAM), and for a tenant session the `tenant` session tag (`${aws:PrincipalTag/tenant}`);
 * without one, a grant covers that entity's partition of every tenant (`*#<entity>`).
 */
export interface GuardPrincipal {
  readonly name: string;
  readonly grants: readonly PartitionGrant[];
  readonly tenant?: string;
}

type Input = Record<string, unknown> & {
  Key?: Record<string, AttributeValue>;
  Item?: Record<string, AttributeValue>;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ExclusiveStartKey?: Record<string, AttributeValue>;
};

/** The partition keys a request touches, or undefined when they cannot be determined (→ deny). */
export function leadingKeys(action: string, input: Input): string[] | undefined {
  if (action === 'dynamodb:Query') {
    // Only the key condition form the runtime uses: `pk = :pk` (optionally `AND <sort key condition>`).
    const m = /^\s*pk\s*=\s*(:[A-Za-z0-9_]+)(\s+AND\s+.*)?$/s.exec(input.KeyConditionExpression ?? '');
    const value = m?.[1] ? input.ExpressionAttributeValues?.[m[1]]?.S : undefined;
    if (!value) return undefined;
    const start = input.ExclusiveStartKey?.pk?.S;
    if (input.ExclusiveStartKey && start !== value) return undefined;
    return [value];
  }
  const pk = (input.Key ?? input.Item)?.pk?.S;
  return pk ? [pk] : undefined;
}

const EXPRESSIONS = [
  'UpdateExpression',
  'ConditionExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
] as const;
const KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN']);

/**
 * The top-level attributes a request names (`dynamodb:Attributes`): its key and item attributes and every
 * attribute path's first element in its expressions (`#name` resolved; functions and keywords skipped).
 */
export function requestAttributes(input: Input): string[] {
  const names = new Set([...Object.keys(input.Key ?? {}), ...Object.keys(input.Item ?? {})]);
  for (const field of EXPRESSIONS) {
    const text = input[field];
    if (typeof text !== 'string') continue;
    for (const m of text.matchAll(/(?<![\w:#.\]])(#?[A-Za-z_]\w*)(?!\w)(?=(\s*\()?)/g)) {
      const [, token, call] = m as unknown as [string, string, string | undefined];
      if (call || KEYWORDS.has(token.toUpperCase())) continue;
      names.add(token.startsWith('#') ? (input.ExpressionAttributeNames?.[token] ?? token) : token);
    }
  }
  return [...names];
}

/** Whether one grant allows the request: the action, every leading key, and the attributes it names. */
function grantAllows(
  grant: PartitionGrant,
  principal: GuardPrincipal,
  action: string,
  keys: string[],
  input: Input,
): boolean {
  if (!(grant.actions as readonly string[]).includes(action)) return false;
  const inPartition = (k: string) =>
    grant.entities.some((e) =>
      principal.tenant === undefined ? k.endsWith(`#${e}`) : k === `${principal.tenant}#${e}`,
    );
  if (!keys.every(inPartition)) return false;
  if (!grant.attributes) return true;
  const allowed = new Set<string>([TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, ...grant.attributes]);
  return requestAttributes(input).every((a) => allowed.has(a));
}

const TRANSACTION_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** The single-item requests a TransactWriteItems call is authorized as (an empty one as a denied request). */
function transactionParts(input: {
  TransactItems?: Record<string, Input>[];
}): { action: string; input: Input }[] {
  const parts = (input.TransactItems ?? []).flatMap((item) =>
    Object.entries(item).map(([kind, part]) => ({ action: TRANSACTION_ACTIONS[kind] ?? kind, input: part })),
  );
  return parts.length > 0 ? parts : [{ action: 'dynamodb:TransactWriteItems', input: {} }];
}

/**
 * Local stand-in for the data roles' IAM policies: a request is allowed when one grant of the principal
 * allows its action on every partition key it touches (the `dynamodb:LeadingKeys` conditions) and, for
 * attribute-limited grants, names no other attribute (`dynamodb:Attributes`); a transaction, when every
 * part is allowed. Scans, PartiQL and batch calls are in no grant. `principal` is read per request, so
 * credentials that expire or were never issued fail then, as in AWS.
 */
export function installPolicyGuard(
  client: DynamoDBClient,
  principal: GuardPrincipal | (() => GuardPrincipal),
): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const who = typeof principal === 'function' ? principal() : principal;
      const command = String((context as { commandName?: string }).commandName ?? '');
      // IAM authorizes a transaction as its parts: each needs its own action on its own item.
      const requests =
        command === 'TransactWriteItemsCommand' || command === 'TransactWriteCommand'
          ? transactionParts(args.input as { TransactItems?: Record<string, Input>[] })
          : [{ action: ACTIONS[command] ?? command, input: args.input as Input }];
      for (const { action, input } of requests) {
        const keys = leadingKeys(action, input);
        if (!keys || !who.grants.some((g) => grantAllows(g, who, action, keys, input))) {
          throw new LocalAccessDenied(
            `${who.name} is not authorized to perform ${action}${keys ? ` on ${keys.join(', ')}` : ''}`,
          );
        }
      }
      return next(args);
    },
    { step: 'build', name: 'fastishLocalPolicyGuard', priority: 'high' },
  );
  return client;
}
