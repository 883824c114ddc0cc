import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TENANT_DATA_ACTIONS } from '../runtime/contract';

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
  constructor(message: string) {
    super(message);
    // The name the SDK gives IAM denials, so code handling them treats both alike.
    this.name = 'AccessDeniedException';
  }
}

type Input = Record<string, unknown> & {
  Key?: Record<string, AttributeValue>;
  Item?: Record<string, AttributeValue>;
  KeyConditionExpression?: string;
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

/**
 * Local stand-in for the tenant role's IAM policy: allows exactly TENANT_DATA_ACTIONS, and only when every
 * partition key starts with `<tenant>#` — the `dynamodb:LeadingKeys` condition on
 * `${aws:PrincipalTag/tenant}#*`. Installed on each tenant's client in the dev server, so a code path that
 * builds another tenant's key, or scans, fails locally exactly as it would be denied in AWS.
 */
export function installPolicyGuard(client: DynamoDBClient, tenantId: string): DynamoDBClient {
  const allowed = new Set<string>(TENANT_DATA_ACTIONS);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String((context as { commandName?: string }).commandName ?? '');
      const action = ACTIONS[command];
      if (!action || !allowed.has(action)) {
        throw new LocalAccessDenied(`tenant ${tenantId} is not authorized to perform ${action ?? command}`);
      }
      const keys = leadingKeys(action, args.input as Input);
      if (!keys || keys.some((k) => !k.startsWith(`${tenantId}#`))) {
        throw new LocalAccessDenied(
          `tenant ${tenantId} is not authorized to perform ${action} on these keys`,
        );
      }
      return next(args);
    },
    { step: 'build', name: 'fastishLocalPolicyGuard', priority: 'high' },
  );
  return client;
}
