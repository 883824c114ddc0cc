import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../runtime/contract';
import { type TenantClients, TRANSLATE_CONFIG } from '../runtime/data/tenant-clients';
import type { LocalDynamo } from './dynalite';
import { installPolicyGuard } from './policy-guard';
import type { StreamEmulator } from './stream-emulator';

/**
 * The local side of the credentials seam (runtime/data/tenant-clients.ts): instead of STS, each tenant gets
 * a dynalite client carrying the policy guard for that tenant (and the stream recorder).
 */
export class LocalTenantClients implements TenantClients {
  private readonly clients = new Map<string, DynamoDBDocumentClient>();

  constructor(
    private readonly dynamo: LocalDynamo,
    private readonly stream?: StreamEmulator,
  ) {}

  async forTenant(tenantId: string): Promise<DynamoDBDocumentClient> {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id');
    let client = this.clients.get(tenantId);
    if (!client) {
      const raw = installPolicyGuard(this.dynamo.client(), tenantId);
      this.stream?.install(raw);
      client = DynamoDBDocumentClient.from(raw, TRANSLATE_CONFIG);
      this.clients.set(tenantId, client);
    }
    return client;
  }
}
