import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DataSession, type TenantClients, TRANSLATE_CONFIG } from './tenant-clients';

export interface SessionTenantClientsOptions {
  /** Sessions whose clients stay cached in one Lambda instance (least recently used go first). */
  maxSessions?: number;
  /** Hook to instrument each new client (the tracer captures it). */
  decorate?: (client: DynamoDBClient) => DynamoDBClient;
}

/**
 * The API's data clients in AWS: one DynamoDB client per session the authorizer vended (keyed by its
 * access key id; the authorizer reuses a session for many requests, so its client and connections are
 * reused too). The credentials are the session's own, never the function's.
 */
export class SessionTenantClients implements TenantClients {
  private readonly clients = new Map<string, DynamoDBDocumentClient>();

  constructor(private readonly options: SessionTenantClientsOptions = {}) {}

  async forSession(session: DataSession): Promise<DynamoDBDocumentClient> {
    const key = `${session.accessKeyId}:${session.sessionToken}`;
    const cached = this.clients.get(key);
    if (cached) {
      this.clients.delete(key);
      this.clients.set(key, cached);
      return cached;
    }
    const raw = new DynamoDBClient({
      credentials: {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
        sessionToken: session.sessionToken,
        ...(session.expiration ? { expiration: session.expiration } : {}),
      },
    });
    const client = DynamoDBDocumentClient.from(
      this.options.decorate ? this.options.decorate(raw) : raw,
      TRANSLATE_CONFIG,
    );
    this.clients.set(key, client);
    const max = this.options.maxSessions ?? 100;
    while (this.clients.size > max) {
      const oldest = this.clients.keys().next().value as string;
      this.clients.get(oldest)?.destroy();
      this.clients.delete(oldest);
    }
    return client;
  }
}
