import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_SESSION_TAG } from '../contract';
import { SESSION_CONTEXT } from '../partitions';

/** Temporary credentials of one data session, as the authorizer hands them to the API. */
export interface DataSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/**
 * The seam between the API and its data credentials. The API gets a client for the credentials that came
 * with the request (the authorizer assumed the data role for the verified token's tenant); it has no way to
 * ask for another tenant's, so a handler that builds another tenant's key is refused by IAM.
 * - In AWS: `SessionTenantClients` (session-clients.ts), a DynamoDB client per session.
 * - Locally: `LocalTenantClients` (src/dev) resolves the session at the local STS stand-in and enforces its
 *   role's grants on dynalite (src/dev/policy-guard.ts), so a wrong key fails locally as it would in AWS.
 */
export interface TenantClients {
  forSession(session: DataSession): Promise<DynamoDBDocumentClient>;
}

/** The AssumeRole request for a tenant's credentials: the authorizer sends it to STS, the dev server to its stand-in. */
export function tenantAssumeRoleRequest(roleArn: string, tenantId: string, durationSeconds = 900) {
  return {
    RoleArn: roleArn,
    RoleSessionName: `tenant-${tenantId}`.slice(0, 64),
    DurationSeconds: durationSeconds,
    Tags: [{ Key: TENANT_SESSION_TAG, Value: tenantId }],
  };
}

/** A session as authorizer context values (API Gateway passes them to the API as strings). */
export function sessionContext(session: DataSession): Record<string, string> {
  return {
    [SESSION_CONTEXT.accessKeyId]: session.accessKeyId,
    [SESSION_CONTEXT.secretAccessKey]: session.secretAccessKey,
    [SESSION_CONTEXT.sessionToken]: session.sessionToken,
    ...(session.expiration ? { [SESSION_CONTEXT.expiration]: session.expiration.toISOString() } : {}),
  };
}

/** The session the authorizer put in the request context; undefined when it put none. */
export function sessionFromContext(
  auth: Record<string, unknown> | null | undefined,
): DataSession | undefined {
  const get = (key: string) => {
    const v = auth?.[key];
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  };
  const accessKeyId = get(SESSION_CONTEXT.accessKeyId);
  const secretAccessKey = get(SESSION_CONTEXT.secretAccessKey);
  const sessionToken = get(SESSION_CONTEXT.sessionToken);
  if (!accessKeyId || !secretAccessKey || !sessionToken) return undefined;
  const expiration = get(SESSION_CONTEXT.expiration);
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

/** Options every document client in the runtime uses (undefined optional fields are dropped, not stored). */
export const TRANSLATE_CONFIG = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
} as const;
