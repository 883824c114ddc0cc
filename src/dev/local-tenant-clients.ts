import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_SESSION_TAG } from '../runtime/contract';
import { type DataSession, type TenantClients, TRANSLATE_CONFIG } from '../runtime/data/tenant-clients';
import { OPERATOR_GRANTS, TENANT_SESSION_GRANTS } from '../runtime/partitions';
import type { LocalDynamo } from './dynalite';
import { LOCAL_OPERATOR_ROLE_ARN, LOCAL_TENANT_ROLE_ARN, type LocalSts } from './local-sts';
import { type GuardPrincipal, installPolicyGuard } from './policy-guard';
import type { StreamEmulator } from './stream-emulator';
import { installOperationCounter, type TableOperationListener } from './table-ops';

/** The grants of a local session's role, as the stack writes them into the roles' policies. */
export function localPrincipal(sts: LocalSts, credentials: DataSession): GuardPrincipal {
  const session = sts.resolve(credentials);
  if (session.roleArn === LOCAL_OPERATOR_ROLE_ARN) {
    return { name: 'the operator data role', grants: OPERATOR_GRANTS };
  }
  const tenant = session.tags[TENANT_SESSION_TAG];
  if (session.roleArn === LOCAL_TENANT_ROLE_ARN && tenant) {
    return { name: `tenant session ${tenant}`, grants: TENANT_SESSION_GRANTS, tenant };
  }
  return { name: session.roleArn, grants: [] };
}

/**
 * The local side of the credentials seam (runtime/data/tenant-clients.ts): a dynalite client per session
 * the authorizer got from the local STS, guarded by the grants of that session's role and tag, looked up at
 * the STS stand-in on every request (so only credentials it issued, and only until they expire, work), with
 * the stream recorder.
 */
export class LocalTenantClients implements TenantClients {
  private readonly clients = new Map<string, DynamoDBDocumentClient>();

  constructor(
    private readonly dynamo: LocalDynamo,
    private readonly sts: LocalSts,
    private readonly stream?: StreamEmulator,
    private readonly onTableOperation?: TableOperationListener,
  ) {}

  async forSession(session: DataSession): Promise<DynamoDBDocumentClient> {
    const key = `${session.accessKeyId}:${session.secretAccessKey}:${session.sessionToken}`;
    let client = this.clients.get(key);
    if (!client) {
      const raw = installPolicyGuard(this.dynamo.client(), () => localPrincipal(this.sts, session));
      this.stream?.install(raw);
      if (this.onTableOperation) installOperationCounter(raw, this.onTableOperation);
      client = DynamoDBDocumentClient.from(raw, TRANSLATE_CONFIG);
      this.clients.set(key, client);
    }
    return client;
  }
}
