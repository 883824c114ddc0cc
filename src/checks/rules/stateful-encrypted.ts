import { isStatefulType } from '../spec';
import { isTrue, propertyAt } from '../template-values';
import { resourceRule, type TemplateResource } from '../types';

type Evidence = (properties: Record<string, unknown>) => boolean;

const flag =
  (...path: string[]): Evidence =>
  (p) =>
    isTrue(propertyAt(p, path));
const present =
  (...path: string[]): Evidence =>
  (p) =>
    propertyAt(p, path) !== undefined;
/** The service encrypts at rest and offers no way to turn it off. */
const always: Evidence = () => true;

/**
 * How each stateful type shows encryption at rest. Which types are stateful comes from the
 * specification; how a type is encrypted is not in it, so a stateful type missing here is itself a
 * finding (add its evidence here in the same change that introduces it).
 */
export const ENCRYPTION_EVIDENCE: Readonly<Record<string, Evidence>> = {
  'AWS::Backup::BackupVault': always,
  'AWS::Cognito::UserPool': always,
  'AWS::DocDB::DBCluster': flag('StorageEncrypted'),
  'AWS::DocDB::DBInstance': always, // storage belongs to the (checked) cluster
  'AWS::DynamoDB::GlobalTable': flag('SSESpecification', 'SSEEnabled'),
  'AWS::DynamoDB::Table': flag('SSESpecification', 'SSEEnabled'),
  'AWS::EC2::Volume': flag('Encrypted'),
  'AWS::EFS::FileSystem': flag('Encrypted'),
  'AWS::EMR::Cluster': present('SecurityConfiguration'),
  'AWS::ElastiCache::CacheCluster': () => false, // no at-rest encryption: use a replication group
  'AWS::ElastiCache::ReplicationGroup': flag('AtRestEncryptionEnabled'),
  'AWS::Elasticsearch::Domain': flag('EncryptionAtRestOptions', 'Enabled'),
  'AWS::FSx::FileSystem': always,
  'AWS::KMS::Key': always,
  'AWS::Kinesis::Stream': present('StreamEncryption'),
  'AWS::Logs::LogGroup': present('KmsKeyId'),
  'AWS::Neptune::DBCluster': flag('StorageEncrypted'),
  'AWS::Neptune::DBInstance': always, // storage belongs to the (checked) cluster
  'AWS::OpenSearchService::Domain': flag('EncryptionAtRestOptions', 'Enabled'),
  'AWS::QLDB::Ledger': always,
  'AWS::RDS::DBCluster': flag('StorageEncrypted'),
  'AWS::RDS::DBInstance': (p) => isTrue(p.StorageEncrypted) || p.DBClusterIdentifier !== undefined,
  'AWS::Redshift::Cluster': flag('Encrypted'),
  'AWS::S3::Bucket': present('BucketEncryption', 'ServerSideEncryptionConfiguration'),
  'AWS::SDB::Domain': () => false,
  // SQS encrypts new queues with SSE-SQS unless it is switched off; a KMS key is stronger still.
  'AWS::SQS::Queue': (p) => p.KmsMasterKeyId !== undefined || p.SqsManagedSseEnabled !== false,
  'AWS::SecretsManager::Secret': always,
};

export function isEncryptedAtRest(resource: TemplateResource): boolean | undefined {
  const evidence = ENCRYPTION_EVIDENCE[resource.Type];
  return evidence ? evidence(resource.Properties ?? {}) : undefined;
}

/** FST-DATA2: stateful resources are encrypted at rest. */
export const statefulEncrypted = resourceRule({
  id: 'FST-DATA2',
  name: 'stateful-encrypted',
  description: 'Stateful resources (per the CloudFormation resource specification) are encrypted at rest.',
  test(resource) {
    if (!isStatefulType(resource.Type)) return [];
    const encrypted = isEncryptedAtRest(resource);
    if (encrypted === undefined)
      return [
        `${resource.Type} is stateful but Fastish does not know how it is encrypted (src/checks/rules/stateful-encrypted.ts)`,
      ];
    return encrypted ? [] : [`${resource.Type} holds data but is not encrypted at rest`];
  },
});
