import {
  type APIGatewayClient,
  type ApiKey,
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeysCommand,
  GetUsagePlanKeyCommand,
  UpdateApiKeyCommand,
} from '@aws-sdk/client-api-gateway';
import type { Tier } from '../contract';
import type { UsageKeyState, UsagePlanRegistry } from './registry';
import type { UsageKeyResolver } from './usage-key';

export interface ApiGatewayUsagePlanRegistryOptions {
  client: APIGatewayClient;
  /** Usage plan id per tier (the stack publishes them in an SSM parameter); resolved when first needed. */
  planIds: () => Promise<Record<Tier, string>>;
  /** The same derivation the authorizer uses. */
  usageKey: UsageKeyResolver;
  /** Tags on every key (besides `fastish:tenant`). @default none */
  tags?: Record<string, string>;
}

const isName = (err: unknown, ...names: string[]) => err instanceof Error && names.includes(err.name);

/**
 * API keys named `<tenantId>` whose value is the derived usage key. A key is found by name AND value:
 * names need not be unique (two environments in one account both have a tenant `acme`), values are.
 */
export class ApiGatewayUsagePlanRegistry implements UsagePlanRegistry {
  constructor(private readonly options: ApiGatewayUsagePlanRegistryOptions) {}

  private async find(tenantId: string, value: string): Promise<ApiKey | undefined> {
    let position: string | undefined;
    do {
      const page = await this.options.client.send(
        new GetApiKeysCommand({ nameQuery: tenantId, includeValues: true, limit: 500, position }),
      );
      const hit = page.items?.find((k) => k.name === tenantId && k.value === value);
      if (hit) return hit;
      position = page.position;
    } while (position);
    return undefined;
  }

  async ensureKey(tenantId: string, state: UsageKeyState): Promise<void> {
    const { client } = this.options;
    const planIds = await this.options.planIds();
    const value = await this.options.usageKey(tenantId);
    let key = await this.find(tenantId, value);
    if (!key) {
      try {
        key = await client.send(
          new CreateApiKeyCommand({
            name: tenantId,
            value,
            enabled: state.enabled,
            description: `Fastish tenant ${tenantId}: usage plan membership (throttle and quota)`,
            tags: { ...this.options.tags, 'fastish:tenant': tenantId },
          }),
        );
      } catch (err) {
        // A concurrent onboarding call created it between the lookup and the create.
        if (!isName(err, 'ConflictException')) throw err;
        key = await this.find(tenantId, value);
      }
    }
    const keyId = key?.id;
    if (!keyId) throw new Error(`API key of tenant ${tenantId} not found after create`);
    if (key?.enabled !== state.enabled) {
      await client.send(
        new UpdateApiKeyCommand({
          apiKey: keyId,
          patchOperations: [{ op: 'replace', path: '/enabled', value: String(state.enabled) }],
        }),
      );
    }
    // A key may be in one plan per stage: leave the other tiers' plans first, then join the tier's.
    for (const [tier, planId] of Object.entries(planIds)) {
      if (tier === state.tier) continue;
      try {
        await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: planId, keyId }));
      } catch (err) {
        if (!isName(err, 'NotFoundException')) throw err;
      }
    }
    const target = planIds[state.tier];
    try {
      await client.send(new GetUsagePlanKeyCommand({ usagePlanId: target, keyId }));
    } catch (err) {
      if (!isName(err, 'NotFoundException')) throw err;
      try {
        await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: target, keyId, keyType: 'API_KEY' }));
      } catch (e) {
        if (!isName(e, 'ConflictException')) throw e;
      }
    }
  }

  async deleteKey(tenantId: string): Promise<void> {
    const key = await this.find(tenantId, await this.options.usageKey(tenantId));
    if (!key?.id) return;
    try {
      await this.options.client.send(new DeleteApiKeyCommand({ apiKey: key.id }));
    } catch (err) {
      if (!isName(err, 'NotFoundException')) throw err;
    }
  }
}
