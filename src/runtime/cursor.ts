import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

/**
 * Opaque pagination cursors. The cursor carries only the sort key to resume from; it is signed with an
 * HMAC key the client never sees and bound to the tenant and the collection, so a cursor cannot be forged,
 * replayed against another tenant, or used on another collection. The partition key is always rebuilt from
 * the caller's tenant, never taken from the cursor.
 */
export interface CursorPayload {
  /** Sort key of the last item returned. */
  sk: string;
}

interface SignedCursor {
  v: 1;
  t: string;
  c: string;
  k: string;
  x: number;
}

const CURSOR_LIFETIME_SECONDS = 24 * 3600;

export class CursorSigner {
  constructor(
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    if (key.length < 32) throw new Error('cursor key must be at least 32 bytes');
  }

  sign(tenantId: string, collection: string, payload: CursorPayload): string {
    const body: SignedCursor = {
      v: 1,
      t: tenantId,
      c: collection,
      k: payload.sk,
      x: Math.floor(this.now() / 1000) + CURSOR_LIFETIME_SECONDS,
    };
    const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${encoded}.${this.mac(encoded)}`;
  }

  verify(cursor: string, tenantId: string, collection: string): CursorPayload {
    const invalid = new ApiError('invalid_cursor', 'The cursor is invalid or expired');
    const [encoded, mac, extra] = cursor.split('.');
    if (!encoded || !mac || extra !== undefined) throw invalid;
    const expected = Buffer.from(this.mac(encoded));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
    let body: SignedCursor;
    try {
      body = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as SignedCursor;
    } catch {
      throw invalid;
    }
    if (body.v !== 1 || body.t !== tenantId || body.c !== collection || typeof body.k !== 'string')
      throw invalid;
    if (typeof body.x !== 'number' || body.x * 1000 < this.now()) throw invalid;
    return { sk: body.k };
  }

  private mac(encoded: string): string {
    return createHmac('sha256', this.key).update(`fastish.cursor.v1.${encoded}`).digest('base64url');
  }
}
