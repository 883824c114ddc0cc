import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TENANT_INDEX, TIERS, type Tier } from '../contract';

export interface ListedTenant {
  tenantId: string;
  tier: Tier;
  status: string;
}

/**
 * Every tenant, from the sparse index that holds one entry per tenant profile (only profiles carry a
 * top-level `tier`): one Query per tier (paged), never a Scan of the table. Sorted by tenant id.
 */
export async function listTenants(db: DynamoDBDocumentClient, tableName: string): Promise<ListedTenant[]> {
  const out: ListedTenant[] = [];
  for (const tier of TIERS) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: TENANT_INDEX.name,
          KeyConditionExpression: '#tier = :tier',
          ExpressionAttributeNames: { '#tier': TENANT_INDEX.partitionKey },
          ExpressionAttributeValues: { ':tier': tier },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const row of page.Items ?? []) {
        const tenantId = row[TENANT_INDEX.sortKey];
        if (typeof tenantId === 'string') out.push({ tenantId, tier, status: String(row.status ?? '') });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return out.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
}
