import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID_PATTERN } from '../contract';
import { type TenantClients, TRANSLATE_CONFIG, tenantAssumeRoleRequest } from './tenant-clients';

interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

export interface StsTenantClientsOptions {
  roleArn: string;
  sts?: STSClient;
  /** Session length; STS minimum is 900 s, which also bounds how long a leaked credential lives. */
  durationSeconds?: number;
  /** Tenants whose clients stay cached in one Lambda instance (least recently used go first). */
  maxTenants?: number;
  /** Hook to instrument each new client (the tracer captures it). */
  decorate?: (client: DynamoDBClient) => DynamoDBClient;
}

/**
 * Token vending machine: one DynamoDB client per tenant, whose credentials come from
 * `sts:AssumeRole` with the session tag `tenant=<id>`. The SDK refreshes the credentials through the
 * provider when they expire, so a cached client stays usable.
 */
export class StsTenantClients implements TenantClients {
  private readonly sts: STSClient;
  private readonly clients = new Map<string, DynamoDBDocumentClient>();

  constructor(private readonly options: StsTenantClientsOptions) {
    this.sts = options.sts ?? new STSClient({});
  }

  async forTenant(tenantId: string): Promise<DynamoDBDocumentClient> {
    // The tag value becomes an IAM policy variable: refuse anything that is not a plain tenant slug.
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id');
    const cached = this.clients.get(tenantId);
    if (cached) {
      this.clients.delete(tenantId);
      this.clients.set(tenantId, cached);
      return cached;
    }
    const raw = new DynamoDBClient({ credentials: () => this.assume(tenantId) });
    const client = DynamoDBDocumentClient.from(
      this.options.decorate ? this.options.decorate(raw) : raw,
      TRANSLATE_CONFIG,
    );
    this.clients.set(tenantId, client);
    const max = this.options.maxTenants ?? 100;
    while (this.clients.size > max) {
      const oldest = this.clients.keys().next().value as string;
      this.clients.get(oldest)?.destroy();
      this.clients.delete(oldest);
    }
    return client;
  }

  async freshCredentials(tenantId: string): Promise<void> {
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new Error('invalid tenant id');
    await this.assume(tenantId);
  }

  private async assume(tenantId: string): Promise<TemporaryCredentials> {
    const out = await this.sts.send(
      new AssumeRoleCommand(
        tenantAssumeRoleRequest(this.options.roleArn, tenantId, this.options.durationSeconds),
      ),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  }
}
