import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Actions on whole entity partitions (`<tenant>#<entity>`), optionally limited to some attributes. */
export interface PartitionAccess {
  /** Entity names: the part of the partition key after `<tenant>#`. */
  readonly entities: string[];
  readonly actions: string[];
  /**
   * The only top-level attributes a request may name besides the key (`dynamodb:Attributes`).
   * @default - any attribute
   */
  readonly attributes?: string[];
}

/** Mutable copies of partition grants (jsii-shaped), from read-only ones such as the runtime's. */
export function partitionAccess(
  grants: readonly {
    readonly entities: readonly string[];
    readonly actions: readonly string[];
    readonly attributes?: readonly string[];
  }[],
): PartitionAccess[] {
  return grants.map((g) => ({
    entities: [...g.entities],
    actions: [...g.actions],
    ...(g.attributes ? { attributes: [...g.attributes] } : {}),
  }));
}

export interface TenantTableProps {
  /** Physical table name (from `Naming.name('dynamodbTable', …)`). */
  readonly tableName: string;
  /** Partition key attribute (string): every tenant item's value starts with `<tenantId>#`. */
  readonly partitionKey: string;
  /** Sort key attribute (string). */
  readonly sortKey: string;
  /** Attribute holding the expiry (epoch seconds) DynamoDB TTL deletes by. */
  readonly timeToLiveAttribute: string;
  /** Customer-managed key of the table in its home region. */
  readonly key: kms.IKey;
  /**
   * Global-table replicas: region → ARN (or alias ARN) of the customer-managed key in that region.
   * @default - no replicas
   */
  readonly replicas?: Readonly<Record<string, string>>;
  /**
   * Sparse global secondary indexes (string keys): an item is in one only when it has both key attributes,
   * so an index keyed by attributes only one entity carries lists that entity without a Scan.
   * @default - none
   */
  readonly sparseIndexes?: TenantTableIndex[];
}

/** A sparse global secondary index of the table. */
export interface TenantTableIndex {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Attributes projected besides the keys. */
  readonly nonKeyAttributes: string[];
}

/**
 * The application's single table (on-demand): customer-managed KMS key, point-in-time recovery,
 * deletion protection, retained on stack deletion, TTL, a NEW_AND_OLD_IMAGES stream for metering, and
 * optional sparse indexes.
 */
export class TenantTable extends Construct {
  readonly table: dynamodb.TableV2;
  readonly key: kms.IKey;
  private readonly keyAttributes: readonly string[];

  constructor(scope: Construct, id: string, props: TenantTableProps) {
    super(scope, id);
    this.key = props.key;
    this.keyAttributes = [props.partitionKey, props.sortKey];
    const replicas = props.replicas ?? {};
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: props.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.key, { ...replicas }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: props.timeToLiveAttribute,
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      replicas: Object.keys(replicas).map((region) => ({ region })),
      globalSecondaryIndexes: (props.sparseIndexes ?? []).map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...index.nonKeyAttributes],
      })),
    });
  }

  /**
   * Lets a principal use the table's key for DynamoDB requests only (`kms:ViaService`), the permission
   * DynamoDB checks on behalf of callers of a table encrypted with a customer-managed key.
   */
  grantKeyViaDynamoDb(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TableKeyViaDynamoDB',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${this.table.env.region}.amazonaws.com` } },
      }),
    );
  }

  /** Lets a principal Query one of the table's indexes (and use the table key via DynamoDB). */
  grantQueryIndex(grantee: iam.IGrantable, sid: string, indexName: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid,
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${indexName}`],
      }),
    );
    this.grantKeyViaDynamoDb(grantee);
  }

  /**
   * Grants `actions` on the table only for items whose partition keys match `leadingKeys`
   * (`ForAllValues:StringLike` on `dynamodb:LeadingKeys`), plus the key via DynamoDB.
   */
  grantOnLeadingKeys(grantee: iam.IGrantable, sid: string, actions: string[], leadingKeys: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid,
        actions: [...actions],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
      }),
    );
    this.grantKeyViaDynamoDb(grantee);
  }

  /**
   * One statement per access: its actions on the table only where every partition key is
   * `<tenant>#<entity>` of one of its entities. `tenant` is a policy variable such as
   * `${aws:PrincipalTag/tenant}` (compared exactly: `ForAllValues:StringEquals`, so no tag value acts as a
   * wildcard) or `*` for every tenant (`ForAllValues:StringLike`). With `attributes`, the request must name
   * its attributes (`Null`), only those and the key (`ForAllValues:StringEquals dynamodb:Attributes`), and
   * return no others (`dynamodb:ReturnValues`). Plus the table key via DynamoDB.
   */
  grantPartitions(grantee: iam.IGrantable, sid: string, access: PartitionAccess[], tenant: string): void {
    const like = tenant.includes('*');
    for (const a of access) {
      const keys = { 'dynamodb:LeadingKeys': a.entities.map((e) => `${tenant}#${e}`) };
      const attributes = a.attributes
        ? { 'dynamodb:Attributes': [...this.keyAttributes, ...a.attributes] }
        : undefined;
      const conditions: Record<string, Record<string, unknown>> = like
        ? {
            'ForAllValues:StringLike': keys,
            ...(attributes ? { 'ForAllValues:StringEquals': attributes } : {}),
          }
        : { 'ForAllValues:StringEquals': { ...keys, ...attributes } };
      if (attributes) {
        conditions.Null = { 'dynamodb:Attributes': 'false' };
        conditions.StringEqualsIfExists = { 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] };
      }
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `${sid}${a.entities.map((e) => e.charAt(0).toUpperCase() + e.slice(1)).join('')}`,
          actions: [...a.actions],
          resources: [this.table.tableArn],
          conditions,
        }),
      );
    }
    this.grantKeyViaDynamoDb(grantee);
  }
}
