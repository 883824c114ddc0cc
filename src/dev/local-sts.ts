import { randomBytes } from 'node:crypto';
import type { AssumeDataRole, DataAssumeRoleRequest } from '../runtime/data/sts-sessions';
import type { DataSession } from '../runtime/data/tenant-clients';

/**
 * Decides one AssumeRole request, throwing (an `AccessDenied`-named error) to refuse it. The dev server
 * allows every request; tests plug in an IAM evaluation of the synthesized data roles' trust policies, so a
 * trust that lacks `sts:TagSession` fails locally as it would in AWS.
 */
export type LocalAssumeRole = (request: DataAssumeRoleRequest) => Promise<void>;

/** The data roles' ARNs in local requests (the account is the gateway emulation's). */
export const LOCAL_TENANT_ROLE_ARN = 'arn:aws:iam::000000000000:role/local-tenant-data';
export const LOCAL_OPERATOR_ROLE_ARN = 'arn:aws:iam::000000000000:role/local-operator-data';

/** What STS knows about a session it issued: its role and its session tags. */
export interface LocalSession {
  readonly roleArn: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly expiration: Date;
}

/**
 * Local stand-in for STS: the authorizer's token vending machine sends its AssumeRole requests here, and
 * gets credentials that mean nothing but an entry in this registry. The local data clients resolve each
 * request's credentials here, as DynamoDB would ask IAM: whose session, which tags, still valid. A handler
 * that makes up credentials, or keeps them past their expiry, is refused.
 */
export class LocalSts {
  private readonly sessions = new Map<string, LocalSession & { secret: string; token: string }>();

  constructor(
    private readonly decide: LocalAssumeRole = async () => {},
    private readonly now: () => number = Date.now,
  ) {}

  readonly assume: AssumeDataRole = async (request) => {
    await this.decide(request);
    for (const [id, s] of this.sessions) if (s.expiration.getTime() <= this.now()) this.sessions.delete(id);
    const accessKeyId = `ASIALOCAL${randomBytes(8).toString('hex').toUpperCase()}`;
    const secret = randomBytes(30).toString('base64url');
    const token = randomBytes(48).toString('base64url');
    const expiration = new Date(this.now() + request.DurationSeconds * 1000);
    this.sessions.set(accessKeyId, {
      roleArn: request.RoleArn,
      tags: Object.fromEntries((request.Tags ?? []).map((t) => [t.Key, t.Value])),
      expiration,
      secret,
      token,
    });
    return { accessKeyId, secretAccessKey: secret, sessionToken: token, expiration };
  };

  /** The session these credentials belong to; an error named as AWS names it when there is none. */
  resolve(credentials: DataSession): LocalSession {
    const s = this.sessions.get(credentials.accessKeyId);
    if (!s || s.secret !== credentials.secretAccessKey || s.token !== credentials.sessionToken) {
      throw Object.assign(new Error('The security token included in the request is invalid'), {
        name: 'UnrecognizedClientException',
      });
    }
    if (s.expiration.getTime() <= this.now()) {
      throw Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException',
      });
    }
    return { roleArn: s.roleArn, tags: s.tags, expiration: s.expiration };
  }
}
