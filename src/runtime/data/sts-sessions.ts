import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { HEALTH_TENANT_ID, TENANT_ID_PATTERN, type TenantContext } from '../contract';
import { SESSION_CONTEXT } from '../partitions';
import { type DataSession, sessionContext, tenantAssumeRoleRequest } from './tenant-clients';

/** An `sts:AssumeRole` request as the vendor sends it (tags only for tenant sessions). */
export interface DataAssumeRoleRequest {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds: number;
  Tags?: { Key: string; Value: string }[];
}

/** Sends one AssumeRole request: STS in AWS, the local stand-in in the dev server. */
export type AssumeDataRole = (request: DataAssumeRoleRequest) => Promise<DataSession>;

/**
 * Session length: the most STS grants when a role session (the authorizer's) assumes another role (role
 * chaining), so a vended session is reused for as long as possible.
 */
export const DATA_SESSION_SECONDS = 3600;

export interface SessionVendorOptions {
  /** Tenant data role, assumed with session tag `tenant=<the token's tenant>`. */
  tenantRoleArn: string;
  /** Operator data role, assumed for operators of the platform tenant. */
  operatorRoleArn: string;
  platformTenantId: string;
  assume: AssumeDataRole;
  /**
   * How long API Gateway may serve the authorizer's answer (its result cache TTL, seconds): a session is
   * handed out only while it outlives that by a minute, so no cached answer carries expired credentials.
   */
  cacheSeconds: number;
  /** Sessions kept per authorizer instance (least recently used go first). @default 1000 */
  maxSessions?: number;
  now?: () => number;
}

/**
 * The token vending machine, run by the authorizer after it verified the token: the data role and its
 * session tag follow from the verified claims alone, so no application code chooses whose data the API's
 * credentials reach. Tenant users get the tenant data role tagged with their tenant; operators of the
 * platform tenant get the operator data role. Sessions are reused per tenant (per operator) while they
 * outlive API Gateway's cache; the deep health check's synthetic tenant always gets a fresh one, so a
 * trust policy broken by a deploy shows at once.
 */
export class SessionVendor {
  private readonly sessions = new Map<string, DataSession>();
  private readonly now: () => number;

  constructor(private readonly options: SessionVendorOptions) {
    this.now = options.now ?? Date.now;
  }

  async vend(caller: TenantContext): Promise<DataSession> {
    if (!TENANT_ID_PATTERN.test(caller.tenantId)) throw new Error('invalid tenant id');
    const operator = caller.role === 'operator' && caller.tenantId === this.options.platformTenantId;
    const request: DataAssumeRoleRequest = operator
      ? {
          RoleArn: this.options.operatorRoleArn,
          RoleSessionName: `operator-${caller.userId.replace(/[^\w+=,.@-]/g, '')}`.slice(0, 64),
          DurationSeconds: DATA_SESSION_SECONDS,
        }
      : tenantAssumeRoleRequest(this.options.tenantRoleArn, caller.tenantId, DATA_SESSION_SECONDS);
    const key = operator ? `operator/${caller.userId}` : `tenant/${caller.tenantId}`;
    const fresh = caller.tenantId === HEALTH_TENANT_ID;
    const hit = fresh ? undefined : this.sessions.get(key);
    const needMs = (this.options.cacheSeconds + 60) * 1000;
    if (hit && (hit.expiration?.getTime() ?? 0) - this.now() >= needMs) {
      this.sessions.delete(key);
      this.sessions.set(key, hit);
      return hit;
    }
    const session = await this.options.assume(request);
    if (!fresh) {
      this.sessions.set(key, session);
      const max = this.options.maxSessions ?? 1000;
      while (this.sessions.size > max) this.sessions.delete(this.sessions.keys().next().value as string);
    }
    return session;
  }

  /**
   * The session as authorizer context values. Without a session the API cannot serve the request, so a
   * failure is thrown (API Gateway answers 500 and caches nothing); for the health check's synthetic tenant
   * the error's name goes to the API instead, whose deep check reports it as the `sts` step.
   */
  async context(caller: TenantContext): Promise<Record<string, string>> {
    try {
      return sessionContext(await this.vend(caller));
    } catch (err) {
      if (caller.tenantId !== HEALTH_TENANT_ID) throw err;
      const name = (err as Error).name;
      return { [SESSION_CONTEXT.error]: name && name !== 'Error' ? name : 'CredentialsUnavailable' };
    }
  }
}

/** `AssumeDataRole` against STS. */
export function stsAssumeDataRole(sts: STSClient): AssumeDataRole {
  return async (request) => {
    const out = await sts.send(new AssumeRoleCommand(request));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
}
