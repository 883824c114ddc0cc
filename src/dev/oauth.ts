import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROLES, type Role, TENANT_ID_PATTERN, TIERS, type Tier } from '../runtime/contract';
import type { FakeDirectory } from './fake-directory';
import type { LocalIssuer } from './issuer';

export interface LocalAuthorizationServerOptions {
  issuer: LocalIssuer;
  directory: FakeDirectory;
  platformTenantId: string;
  /** Origins whose redirect and logout URIs are accepted (the console's). */
  origins: ReadonlySet<string>;
  /** Lifetime of the tokens it issues, seconds. Default 3600 (the user pool client's). */
  tokenLifetimeSeconds?: number;
  /**
   * The health client: a confidential client with only the client-credentials grant and one scope, like
   * the user pool's `health` app client. Default none (the grant is refused).
   */
  healthClient?: { clientId: string; clientSecret: string; scope: string };
}

interface Identity {
  tenantId: string;
  role: Role;
  tier: Tier;
  userId: string;
  email: string;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  identity: Identity;
  expiresAt: number;
}

/** Cognito's authorization codes are valid for five minutes. */
const CODE_LIFETIME_MS = 5 * 60_000;
const OPERATOR_EMAIL = 'operator@platform.local';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const base64Url = (buf: Buffer) =>
  buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A stable UUID-shaped `sub` for a local identity that is not in the directory (same e-mail, same sub). */
export function localUserId(email: string): string {
  const h = createHash('sha256').update(`fastish-local:${email.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

class OAuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new OAuthError('invalid_request', 'Request too large');
    chunks.push(chunk as Buffer);
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type !== 'application/x-www-form-urlencoded')
    throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The user pool's managed login, for `fastish dev`: `/oauth2/authorize` (a page to pick who to be: any user
 * of the local directory, the platform operator, or any tenant/role), `/oauth2/token` (authorization code
 * grant with PKCE S256 required, single-use codes bound to client and redirect URI) and `/logout`. Tokens
 * come from the local issuer, so the API verifies them exactly as it verifies the dev tokens of
 * `fastish dev token`. The console runs the same code + PKCE flow here as against Cognito.
 */
export class LocalAuthorizationServer {
  private readonly codes = new Map<string, PendingCode>();

  constructor(private readonly options: LocalAuthorizationServerOptions) {}

  handles(req: IncomingMessage): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    return path === '/oauth2/authorize' || path === '/oauth2/token' || path === '/logout';
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    try {
      if (url.pathname === '/oauth2/authorize' && method === 'GET')
        return this.authorizePage(url.searchParams, res);
      if (url.pathname === '/oauth2/authorize' && method === 'POST')
        return this.authorize(await readForm(req), res);
      if (url.pathname === '/oauth2/token' && method === 'POST') return await this.token(req, res);
      if (url.pathname === '/logout' && method === 'GET') return this.logout(url.searchParams, res);
      res.writeHead(405, { allow: url.pathname === '/oauth2/token' ? 'POST' : 'GET, POST' }).end();
    } catch (err) {
      const e = err instanceof OAuthError ? err : new OAuthError('server_error', 'Internal error');
      if (url.pathname === '/oauth2/token') {
        this.tokenCors(req, res);
        res.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ error: e.code, error_description: e.message }));
      } else {
        this.html(
          res,
          400,
          'Sign-in error',
          `<p role="alert">${escapeHtml(e.message)} (${escapeHtml(e.code)})</p>`,
        );
      }
    }
  }

  /** Client, redirect URI and PKCE parameters of an authorization request, validated. */
  private request(params: URLSearchParams) {
    if (params.get('response_type') !== 'code')
      throw new OAuthError('unsupported_response_type', 'response_type must be code');
    const clientId = params.get('client_id') ?? '';
    if (clientId !== this.options.issuer.audience)
      throw new OAuthError('invalid_client', 'Unknown client_id');
    const redirectUri = params.get('redirect_uri') ?? '';
    let origin: string;
    try {
      origin = new URL(redirectUri).origin;
    } catch {
      throw new OAuthError('invalid_request', 'redirect_uri is not a URL');
    }
    if (!this.options.origins.has(origin))
      throw new OAuthError(
        'invalid_request',
        `redirect_uri origin ${origin} is not a console origin of this server`,
      );
    const challenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
      throw new OAuthError(
        'invalid_request',
        'PKCE is required: code_challenge with code_challenge_method=S256',
      );
    return { clientId, redirectUri, challenge, state: params.get('state') ?? '' };
  }

  private authorizePage(params: URLSearchParams, res: ServerResponse): void {
    const request = this.request(params);
    const hidden = [
      'response_type',
      'client_id',
      'redirect_uri',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params.get(k) ?? '')}">`)
      .join('');
    const users = [...this.options.directory.users.values()].sort(
      (a, b) => a.tenantId.localeCompare(b.tenantId) || a.email.localeCompare(b.email),
    );
    const userButtons = users
      .map(
        (u) =>
          `<li><form method="post">${hidden}<input type="hidden" name="user" value="${escapeHtml(u.userId)}">` +
          `<button type="submit">${escapeHtml(u.email)} <span>${escapeHtml(u.tenantId)} · ${escapeHtml(u.role)}</span></button></form></li>`,
      )
      .join('');
    const roleOptions = ROLES.map(
      (r) => `<option value="${r}"${r === 'admin' ? ' selected' : ''}>${r}</option>`,
    ).join('');
    const tierOptions = TIERS.map((t) => `<option value="${t}">${t}</option>`).join('');
    const body = `
<p>This is the local sign-in of <code>fastish dev</code>. It stands in for the Cognito managed login: pick who
to be, and the console receives an authorization code for that identity (code + PKCE, as in the cloud).</p>
<p class="small">Signing in for <code>${escapeHtml(new URL(request.redirectUri).origin)}</code>.</p>
<section aria-labelledby="users-title"><h2 id="users-title">Users in the local directory</h2>
${users.length > 0 ? `<ul class="users">${userButtons}</ul>` : '<p>No users yet: onboard a tenant (seed data, or as the platform operator).</p>'}
</section>
<section aria-labelledby="operator-title"><h2 id="operator-title">Platform operator</h2>
<form method="post">${hidden}<input type="hidden" name="operator" value="1">
<button type="submit">Operator <span>${escapeHtml(this.options.platformTenantId)} · operator</span></button></form></section>
<section aria-labelledby="custom-title"><h2 id="custom-title">Any identity</h2>
<p class="small">As in the cloud, tenant data is served only to users the tenant has invited: any other identity is refused there.</p>
<form method="post" class="custom">${hidden}<input type="hidden" name="custom" value="1">
<label for="tenant">Tenant id</label><input id="tenant" name="tenant" required pattern="[a-z0-9][a-z0-9-]{1,38}[a-z0-9]">
<label for="role">Role</label><select id="role" name="role">${roleOptions}</select>
<label for="tier">Tier</label><select id="tier" name="tier">${tierOptions}</select>
<label for="email">E-mail</label><input id="email" name="email" type="email" required>
<button type="submit">Sign in with this identity</button></form></section>`;
    this.html(res, 200, 'Sign in to Fastish (local)', body);
  }

  private identity(form: URLSearchParams): Identity {
    const { platformTenantId, directory } = this.options;
    const userId = form.get('user');
    if (userId) {
      const u = directory.users.get(userId);
      if (!u) throw new OAuthError('access_denied', 'That user no longer exists');
      return { tenantId: u.tenantId, role: u.role, tier: u.tier, userId: u.userId, email: u.email };
    }
    if (form.get('operator')) {
      return {
        tenantId: platformTenantId,
        role: 'operator',
        tier: 'basic',
        userId: localUserId(OPERATOR_EMAIL),
        email: OPERATOR_EMAIL,
      };
    }
    const tenantId = form.get('tenant') ?? '';
    const role = form.get('role') as Role;
    const tier = (form.get('tier') ?? 'basic') as Tier;
    const email = (form.get('email') ?? '').trim().toLowerCase();
    if (!TENANT_ID_PATTERN.test(tenantId)) throw new OAuthError('invalid_request', 'Tenant id is not valid');
    if (!ROLES.includes(role) || !TIERS.includes(tier))
      throw new OAuthError('invalid_request', 'Unknown role or tier');
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new OAuthError('invalid_request', 'E-mail is not valid');
    if ((role === 'operator') !== (tenantId === platformTenantId))
      throw new OAuthError(
        'invalid_request',
        `Operators belong to the ${platformTenantId} tenant, and only they do`,
      );
    return { tenantId, role, tier, userId: localUserId(email), email };
  }

  private authorize(form: URLSearchParams, res: ServerResponse): void {
    const request = this.request(form);
    const identity = this.identity(form);
    const code = base64Url(randomBytes(32));
    const now = Date.now();
    for (const [k, v] of this.codes) if (v.expiresAt <= now) this.codes.delete(k);
    this.codes.set(code, { ...request, identity, expiresAt: now + CODE_LIFETIME_MS });
    const target = new URL(request.redirectUri);
    target.searchParams.set('code', code);
    if (request.state) target.searchParams.set('state', request.state);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' }).end();
  }

  private tokenCors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (typeof origin === 'string' && this.options.origins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
    }
  }

  /**
   * Client credentials, as Cognito's token endpoint does them: client id and secret in HTTP Basic (or the
   * body), a scope the client is allowed (all of them when none is asked for), an access token only.
   */
  private async clientCredentials(req: IncomingMessage, form: URLSearchParams, res: ServerResponse) {
    const client = this.options.healthClient;
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':', 2)
      : [form.get('client_id'), form.get('client_secret')];
    const same = (a: string, b: string) =>
      a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
    if (!client || id !== client.clientId || !same(secret ?? '', client.clientSecret))
      throw new OAuthError('invalid_client', 'Unknown client or wrong secret');
    const scope = form.get('scope') ?? client.scope;
    if (scope !== client.scope) throw new OAuthError('invalid_scope', 'Scope not allowed for this client');
    const lifetime = this.options.tokenLifetimeSeconds ?? 3600;
    const accessToken = await this.options.issuer.mintClientCredentials(client.clientId, scope, lifetime);
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
    res.end(JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: lifetime }));
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    if (form.get('grant_type') === 'client_credentials') return this.clientCredentials(req, form, res);
    if (form.get('grant_type') !== 'authorization_code')
      throw new OAuthError(
        'unsupported_grant_type',
        'Only authorization_code and client_credentials are supported locally',
      );
    const code = form.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code); // single use, whatever happens next
    if (!pending || pending.expiresAt <= Date.now())
      throw new OAuthError('invalid_grant', 'Unknown or expired code');
    if (form.get('client_id') !== pending.clientId)
      throw new OAuthError('invalid_client', 'client_id does not match');
    if (form.get('redirect_uri') !== pending.redirectUri)
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    const verifier = form.get('code_verifier') ?? '';
    if (
      !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) ||
      base64Url(createHash('sha256').update(verifier).digest()) !== pending.challenge
    )
      throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
    const { issuer } = this.options;
    const lifetime = this.options.tokenLifetimeSeconds ?? 3600;
    const idToken = await issuer.mint({ ...pending.identity, expiresInSeconds: lifetime });
    const now = Math.floor(Date.now() / 1000);
    // Shaped like Cognito's access token (no aud, token_use access): the API refuses it, as in AWS.
    const accessToken = await issuer.sign({
      iss: issuer.issuer,
      sub: pending.identity.userId,
      client_id: pending.clientId,
      token_use: 'access',
      scope: 'openid email profile',
      iat: now,
      exp: now + lifetime,
    });
    this.tokenCors(req, res);
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
    res.end(
      JSON.stringify({
        id_token: idToken,
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: lifetime,
      }),
    );
  }

  private logout(params: URLSearchParams, res: ServerResponse): void {
    if (params.get('client_id') !== this.options.issuer.audience)
      throw new OAuthError('invalid_client', 'Unknown client_id');
    const target = params.get('logout_uri') ?? '';
    let origin = '';
    try {
      origin = new URL(target).origin;
    } catch {
      // falls through to the check below
    }
    if (!this.options.origins.has(origin))
      throw new OAuthError('invalid_request', 'logout_uri is not a console URL');
    res.writeHead(302, { location: target, 'cache-control': 'no-store' }).end();
  }

  private html(res: ServerResponse, status: number, title: string, body: string): void {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // form-action also covers the redirect after the form: the console origins must be listed.
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${[...this.options.origins].join(' ')}; frame-ancestors 'none'`,
      'x-content-type-options': 'nosniff',
    });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24;line-height:1.5}
main{max-width:560px;margin:24px auto;padding:16px;background:#fff;border:1px solid #d0d7de;border-radius:8px}
h1{font-size:1.5rem;margin-top:0}h2{font-size:1.1rem;margin:20px 0 8px}
ul.users{list-style:none;padding:0;margin:0;display:grid;gap:8px}
button{font:inherit;min-height:44px;width:100%;text-align:left;padding:8px 12px;border:1px solid #0b5cad;border-radius:8px;background:#fff;color:#0b5cad;cursor:pointer}
button span{display:block;font-size:.85rem;color:#57606a}
button:hover{background:#eef4fb}
:focus-visible{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #1b1f24}
form.custom{display:grid;gap:6px}label{font-weight:600}
input,select{font:inherit;min-height:44px;padding:6px 10px;border:1px solid #8c959f;border-radius:6px}
.small{font-size:.9rem;color:#57606a}
</style></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`);
  }
}
