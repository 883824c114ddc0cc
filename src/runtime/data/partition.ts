import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

/** One page of a partition, in sort-key order; `lastSk` is where the next page starts. */
export interface PartitionPage {
  readonly rows: Record<string, unknown>[];
  readonly lastSk?: string;
}

/**
 * One tenant-scoped partition (`pk` = `<tenant>#<entity>`): a consistent GetItem by sort key, Query
 * pages, and inserts that never overwrite. Never a Scan: the tenant role's `dynamodb:LeadingKeys`
 * condition would refuse one.
 */
export class Partition {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly pk: string,
  ) {}

  async get(sk: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: this.pk, sk }, ConsistentRead: true }),
    );
    return out.Item;
  }

  /** Writes a new row; throws DynamoDB's ConditionalCheckFailedException when the sort key exists. */
  async insert(sk: string, attributes: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand(this.insertRequest(sk, attributes).Put));
  }

  /** The conditional put of a new row, for `insert` or a transaction. */
  insertRequest(sk: string, attributes: Record<string, unknown>) {
    return {
      Put: {
        TableName: this.table,
        Item: { pk: this.pk, sk, ...attributes },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }

  async page(limit: number, afterSk?: string): Promise<PartitionPage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': this.pk },
        Limit: limit,
        ...(afterSk ? { ExclusiveStartKey: { pk: this.pk, sk: afterSk } } : {}),
      }),
    );
    const last = out.LastEvaluatedKey?.sk;
    return { rows: out.Items ?? [], ...(typeof last === 'string' ? { lastSk: last } : {}) };
  }
}
