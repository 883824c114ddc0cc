import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/**
 * Encrypts every CloudWatch log group below `scope` that has no key yet with `key`, and lets the
 * regional CloudWatch Logs service use the key. For log groups that aws-cdk-lib creates inside its own
 * constructs (custom-resource providers, CDK Pipelines helpers), which offer no encryption option.
 * @returns how many log groups it encrypted
 */
export function encryptLogGroups(scope: IConstruct, key: kms.IKey): number {
  let count = 0;
  for (const child of scope.node.findAll()) {
    if (!(child instanceof logs.CfnLogGroup) || child.kmsKeyId !== undefined) continue;
    child.kmsKeyId = key.keyArn;
    count++;
  }
  if (count > 0) {
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Stack.of(scope).region}.amazonaws.com`));
  }
  return count;
}
