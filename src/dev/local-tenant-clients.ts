import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../runtime/contract';
import {
  type TenantClients,
  TRANSLATE_CONFIG,
  tenantAssumeRoleRequest,
} from '../runtime/data/tenant-clients';
import { LOCAL_CREDENTIALS, type LocalDynamo } from './dynalite';
import { installPolicyGuard } from './policy-guard';
import type { StreamEmulator } from './stream-emulator';

/** The request STS would get for a tenant's credentials (what `StsTenantClients` sends). */
export type TenantAssumeRoleRequest = ReturnType<typeof tenantAssumeRoleRequest>;

/**
 * Local stand-in for STS: decides a tenant-credentials request, throwing (an `AccessDenied`-named error)
 * to refuse it. The dev server allows every request; tests plug in an IAM evaluation of the synthesized
 * tenant role's trust policy, so a trust that lacks `sts:TagSession` fails locally as it would in AWS.
 */
export type LocalAssumeRole = (request: TenantAssumeRoleRequest) => Promise<void>;

/** The tenant role's ARN in local requests (the account is the gateway emulation's). */
export const LOCAL_TENANT_ROLE_ARN = 'arn:aws:iam::000000000000:role/local-tenant-data';

/**
 * The local side of the credentials seam (runtime/data/tenant-clients.ts): each tenant's dynalite client gets
 * its credentials through the STS stand-in, carries the policy guard for that tenant (the tenant role's
 * permissions) and the stream recorder.
 */
export class LocalTenantClients implements TenantClients {
  private readonly clients = new Map<string, DynamoDBDocumentClient>();

  constructor(
    private readonly dynamo: LocalDynamo,
    private readonly stream?: StreamEmulator,
    private readonly assumeRole: LocalAssumeRole = async () => {},
  ) {}

  async forTenant(tenantId: string): Promise<DynamoDBDocumentClient> {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id');
    let client = this.clients.get(tenantId);
    if (!client) {
      // Like the SDK with StsTenantClients: credentials are fetched at the first call, then reused.
      const raw = installPolicyGuard(
        this.dynamo.client(async () => {
          await this.freshCredentials(tenantId);
          return LOCAL_CREDENTIALS;
        }),
        tenantId,
      );
      this.stream?.install(raw);
      client = DynamoDBDocumentClient.from(raw, TRANSLATE_CONFIG);
      this.clients.set(tenantId, client);
    }
    return client;
  }

  async freshCredentials(tenantId: string): Promise<void> {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id');
    await this.assumeRole(tenantAssumeRoleRequest(LOCAL_TENANT_ROLE_ARN, tenantId));
  }
}
