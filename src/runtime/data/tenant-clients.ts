import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_SESSION_TAG } from '../contract';

/**
 * The seam between the API and its data credentials. Every tenant request asks for a client bound to the
 * caller's tenant; the API never holds credentials that reach another tenant's keys.
 * - In AWS: `StsTenantClients` (sts-tenant-clients.ts) assumes the tenant role with session tag
 *   `tenant=<id>`; IAM's `dynamodb:LeadingKeys` condition then confines the client to `<id>#*`.
 * - Locally: the dev server injects clients with a middleware that enforces the same condition and the
 *   same allowed actions against dynalite (src/dev/policy-guard.ts), so a bug that builds another tenant's
 *   key fails locally the way it would fail in AWS.
 */
export interface TenantClients {
  forTenant(tenantId: string): Promise<DynamoDBDocumentClient>;
  /**
   * Obtains the tenant's credentials now, bypassing every cache (in AWS: `sts:AssumeRole` with the tenant
   * session tag, which needs `sts:TagSession` in the role's trust). The deep health check's STS step: a
   * cached client would hide a broken trust policy until its credentials expire.
   */
  freshCredentials(tenantId: string): Promise<void>;
}

/** The AssumeRole request for a tenant's credentials: the Lambda sends it to STS, the dev server to its stand-in. */
export function tenantAssumeRoleRequest(roleArn: string, tenantId: string, durationSeconds = 900) {
  return {
    RoleArn: roleArn,
    RoleSessionName: `tenant-${tenantId}`.slice(0, 64),
    DurationSeconds: durationSeconds,
    Tags: [{ Key: TENANT_SESSION_TAG, Value: tenantId }],
  };
}

/** Options every document client in the runtime uses (undefined optional fields are dropped, not stored). */
export const TRANSLATE_CONFIG = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
} as const;
