/** Shapes of the Fastish API (docs/openapi.json), as the console uses them. */
export interface Item {
  id: string;
  name: string;
  description?: string;
  attributes: Record<string, string | number | boolean>;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export interface ItemInput {
  name: string;
  description?: string;
  attributes?: Record<string, string | number | boolean>;
}

export type TenantRole = 'admin' | 'member' | 'viewer';
export const TENANT_ROLES: readonly TenantRole[] = ['admin', 'member', 'viewer'];
export const TIERS = ['basic', 'standard', 'premium'] as const;

export interface User {
  userId: string;
  email: string;
  role: TenantRole;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Tenant {
  tenantId: string;
  name: string;
  tier: (typeof TIERS)[number];
  status: 'active' | 'suspended' | 'offboarding' | 'offboarded';
  adminEmail: string;
  adminUserId?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OffboardProgress {
  tenantId: string;
  status: Tenant['status'];
  deletedThisCall: number;
  complete: boolean;
}

export interface UsageDay {
  date: string;
  requests: number;
  itemsCreated: number;
  itemsDeleted: number;
  storedItems: number;
}

export interface UsageReport {
  tenantId: string;
  from: string;
  to: string;
  days: UsageDay[];
}

export interface FieldIssue {
  path: string;
  message: string;
}

/** An API error with its stable code (docs/openapi.json `Error`), status and field issues, if any. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Thrown (and handled by the session provider) when the API says the token is no longer good. */
export class SessionExpiredError extends ApiError {}

/** What to tell a person, by error code; the API's own message is the fallback. */
const FRIENDLY: Record<string, string> = {
  forbidden: 'Your role does not allow this.',
  tenant_suspended: 'Your organization’s access is suspended. Contact your platform operator.',
  not_found: 'It no longer exists: someone may have deleted it.',
  precondition_failed:
    'Someone else changed this after you opened it, so your changes were not saved. Load the latest version and apply your changes again.',
  quota_exceeded:
    'Your organization reached its daily request quota. Try again tomorrow or upgrade the tier.',
  throttled: 'Too many requests right now. Wait a moment and try again.',
  already_exists: 'That already exists.',
  validation_failed: 'Some fields are not valid.',
  payload_too_large: 'That is too large to save.',
  directory_unavailable: 'The user directory did not respond. Try again.',
  internal: 'Something went wrong on our side. Try again.',
};

export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const friendly = FRIENDLY[err.code];
    return friendly && err.code !== 'already_exists' ? friendly : err.message;
  }
  if (err instanceof TypeError) return 'The API could not be reached. Check your connection and try again.';
  return err instanceof Error ? err.message : String(err);
}

export interface ApiClientOptions {
  apiUrl: string;
  token: () => string | undefined;
  onUnauthorized: () => void;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  /** Return the body as text (CSV exports). */
  text?: boolean;
}

export type ApiClient = <T>(path: string, options?: RequestOptions) => Promise<T>;

export function createApiClient(options: ApiClientOptions): ApiClient {
  return async <T>(path: string, request: RequestOptions = {}): Promise<T> => {
    const token = options.token();
    if (!token) {
      options.onUnauthorized();
      throw new SessionExpiredError(401, 'unauthorized', 'Your session has expired.');
    }
    const url = new URL(`${options.apiUrl}${path}`);
    for (const [k, v] of Object.entries(request.query ?? {})) {
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      cache: 'no-store',
    });
    if (res.status === 401) {
      options.onUnauthorized();
      throw new SessionExpiredError(401, 'unauthorized', 'Your session has expired.');
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as
        | { error?: { code?: string; message?: string; details?: unknown } }
        | undefined;
      const details = Array.isArray(body?.error?.details) ? (body?.error?.details as FieldIssue[]) : [];
      throw new ApiError(
        res.status,
        body?.error?.code ?? `http_${res.status}`,
        body?.error?.message ?? `Request failed (HTTP ${res.status})`,
        details.filter((d) => typeof d?.message === 'string'),
      );
    }
    if (res.status === 204) return undefined as T;
    return (request.text ? await res.text() : await res.json()) as T;
  };
}
