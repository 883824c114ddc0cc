import { DeleteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../errors';
import { type Entity, OFFBOARD_PARTITIONS, partitionKey } from './keys';

export interface OffboardStepResult {
  deleted: number;
  complete: boolean;
}

/**
 * Deletes a tenant's data, one Query page at a time (never a Scan: the tenant's partitions are known from
 * the key layout). Bounded by `maxPages` per call so one API request stays well inside the Lambda and
 * API Gateway timeouts; calling again resumes where it stopped, because deleted keys are simply gone
 * from the next Query. Deletes are conditional on existence; a key deleted concurrently is not an error.
 */
export async function offboardStep(
  db: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  maxPages: number,
  /** Runs before each record is deleted (users: delete the directory account first). */
  beforeDelete?: (entity: Entity, sk: string) => Promise<void>,
  pageSize = 25,
): Promise<OffboardStepResult> {
  let deleted = 0;
  let pages = 0;
  for (const entity of OFFBOARD_PARTITIONS) {
    const pk = partitionKey(tenantId, entity);
    for (;;) {
      if (pages >= maxPages) return { deleted, complete: false };
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'pk, sk',
          Limit: pageSize,
          ConsistentRead: true,
        }),
      );
      const keys = page.Items ?? [];
      if (keys.length === 0) break;
      // Only pages that delete count: a call always makes progress, plus one empty Query per partition.
      pages++;
      const results = await Promise.allSettled(
        keys.map(async (k) => {
          await beforeDelete?.(entity, String(k.sk));
          return db.send(
            new DeleteCommand({
              TableName: table,
              Key: { pk: k.pk, sk: k.sk },
              ConditionExpression: 'attribute_exists(pk)',
            }),
          );
        }),
      );
      for (const r of results) {
        if (r.status === 'fulfilled') deleted++;
        else if (!isConditionFailed(r.reason)) throw r.reason;
      }
    }
  }
  return { deleted, complete: true };
}
