import type { APIGatewayProxyResult } from 'aws-lambda';
import { IdempotencyStore, requestFingerprint, type StoredResponse } from '../data/idempotency';
import { ITEM_ID_PATTERN } from '../data/ids';
import { ItemStore } from '../data/items';
import { ApiError } from '../errors';
import { header, parseBody, parseQuery } from '../http/request';
import { json, noContent } from '../http/response';
import { IdempotencyKey, type Item, ItemInput, ListQuery } from '../schemas';
import type { Handler, HandlerInput } from './handler';

const etag = (item: Item) => `"${item.version}"`;

function store(input: HandlerInput): ItemStore {
  return new ItemStore(input.db, input.deps.tableName, input.caller.tenantId);
}

/** `"3"`, `W/"3"` or `3` → 3; anything else is a client error. */
function parseIfMatch(value: string): number {
  const m = /^(?:W\/)?"?([1-9][0-9]{0,8})"?$/.exec(value.trim());
  if (!m?.[1]) throw new ApiError('invalid_header', 'If-Match must be an ETag such as "3"');
  return Number(m[1]);
}

export const listItems: Handler = async (input) => {
  const q = parseQuery(input.event, ListQuery);
  const after = q.cursor ? input.cursor.verify(q.cursor, input.caller.tenantId, 'items').sk : undefined;
  if (after !== undefined && !ITEM_ID_PATTERN.test(after))
    throw new ApiError('invalid_cursor', 'The cursor is invalid');
  const page = await store(input).list(q.limit, after);
  const nextCursor = page.lastSk
    ? input.cursor.sign(input.caller.tenantId, 'items', { sk: page.lastSk })
    : undefined;
  return json(200, { items: page.items, ...(nextCursor ? { nextCursor } : {}) });
};

export const getItem: Handler = async (input) => {
  const item = await store(input).get(input.params.itemId as string);
  if (!item) throw new ApiError('not_found', 'Item not found');
  return json(200, item, { etag: etag(item) });
};

/**
 * One write without an Idempotency-Key (the item's conditional put); with one, one transaction of two: the
 * key's record, holding the response, and the item. A retry of the same request replays that response.
 */
export const createItem: Handler = async (input) => {
  const body = parseBody(input.event, ItemInput);
  const rawKey = header(input.event, 'idempotency-key');
  const items = store(input);
  const created = (item: Item): APIGatewayProxyResult =>
    json(201, item, { etag: etag(item), location: `/items/${item.id}` });
  if (rawKey === undefined) return created(await items.create(body, input.caller.userId, input.now));
  const parsed = IdempotencyKey.safeParse(rawKey);
  if (!parsed.success)
    throw new ApiError('invalid_header', 'Idempotency-Key must be 8-128 characters of [A-Za-z0-9_.:-]');
  const item = items.build(body, input.caller.userId, input.now);
  const result = created(item);
  const response: StoredResponse = {
    status: result.statusCode,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: result.body,
  };
  const idem = new IdempotencyStore(
    input.db,
    input.deps.tableName,
    input.caller.tenantId,
    input.deps.idempotencyTtlSeconds,
  );
  const fingerprint = requestFingerprint('POST', '/items', body);
  const { replayed } = await idem.once(
    parsed.data,
    fingerprint,
    items.insertRequest(item),
    response,
    input.now,
  );
  if (!replayed) return result;
  return {
    statusCode: replayed.status,
    headers: { ...replayed.headers, 'idempotent-replayed': 'true' },
    body: replayed.body,
  };
};

export const replaceItem: Handler = async (input) => {
  const ifMatch = header(input.event, 'if-match');
  if (ifMatch === undefined)
    throw new ApiError('precondition_required', 'If-Match is required to replace an item');
  const version = parseIfMatch(ifMatch);
  const body = parseBody(input.event, ItemInput);
  const item = await store(input).replace(input.params.itemId as string, body, version, input.now);
  return json(200, item, { etag: etag(item) });
};

export const deleteItem: Handler = async (input) => {
  const ifMatch = header(input.event, 'if-match');
  await store(input).delete(
    input.params.itemId as string,
    ifMatch === undefined ? undefined : parseIfMatch(ifMatch),
  );
  return noContent();
};
