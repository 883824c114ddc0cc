import { RegionInfo } from 'aws-cdk-lib/region-info';
import { z } from 'zod';
import type { ConfigIssue } from '../errors';

const CONNECTION_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):(codestar-connections|codeconnections):([a-z0-9-]+):(\d{12}):connection\/[0-9a-f-]{36}$/;

/** Settings of the delivery pipeline (`release`). Absent = no pipeline stack. */
export const releaseSettings = z.strictObject({
  pipelineEnvironment: z
    .string()
    .meta({ description: 'Environment (name) whose account and region host the pipeline' }),
  connectionArn: z
    .string()
    .regex(CONNECTION_ARN, { message: 'is not a CodeStar/CodeConnections connection ARN' })
    .meta({
      description:
        'CodeConnections (CodeStar) connection ARN to the source repository; the connection must be in the pipeline environment’s account and partition',
    }),
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, { message: 'must be "owner/name"' })
    .meta({ description: 'Source repository as owner/name' }),
  branch: z.string().min(1).default('main').meta({ description: 'Branch the pipeline releases' }),
  configPath: z
    .string()
    .min(1)
    .default('fastish.yaml')
    .meta({ description: 'Config file path in the repository that the pipeline checks and synthesizes' }),
  healthChecks: z.boolean().default(true).meta({
    description:
      'Run the deep API health check (GET /health/deep: authorizer, STS, DynamoDB) after each environment',
  }),
  notificationEmails: z
    .array(z.email({ message: 'is not an email address' }))
    .max(100)
    .default([])
    .meta({ description: 'Addresses subscribed to pipeline failure notifications' }),
});

export type ReleaseSettings = z.infer<typeof releaseSettings>;

/**
 * Cross-field rules of `release` against the environment hosting the pipeline. A connection can be used
 * only by its own account (connections cannot be shared), so the pipeline's source action fails on any
 * other account's connection. Connections are global within their partition (usable from every region,
 * whatever region the ARN names), so the region need not match, but the partition must.
 */
export function checkRelease(
  release: ReleaseSettings,
  pipelineEnvironment: { readonly account: string; readonly region: string } | undefined,
): ConfigIssue[] {
  const m = CONNECTION_ARN.exec(release.connectionArn);
  if (!m || !pipelineEnvironment) return [];
  const [, partition, , region, account] = m;
  const env = `environment "${release.pipelineEnvironment}"`;
  const issues: ConfigIssue[] = [];
  if (account !== pipelineEnvironment.account) {
    issues.push({
      path: 'release.connectionArn',
      value: release.connectionArn,
      message: `is in account ${account}, but the pipeline runs in ${env} (account ${pipelineEnvironment.account}); connections cannot be shared across accounts: create one in account ${pipelineEnvironment.account}`,
    });
  }
  const expected = RegionInfo.get(pipelineEnvironment.region).partition;
  const where = `where ${env} runs the pipeline (${pipelineEnvironment.region}); a connection works only within its partition`;
  if (partition !== expected) {
    issues.push({
      path: 'release.connectionArn',
      value: release.connectionArn,
      message: `is in partition "${partition}", not "${expected}" (arn:${expected}:codeconnections:…), ${where}`,
    });
  } else if (RegionInfo.get(region ?? '').partition !== expected) {
    issues.push({
      path: 'release.connectionArn',
      value: release.connectionArn,
      message: `names region "${region}", which is not a region of partition "${expected}", ${where}`,
    });
  }
  return issues;
}
