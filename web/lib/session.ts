/**
 * Browser session: OAuth 2.0 authorization code + PKCE (RFC 7636) against Cognito's managed login
 * (`/oauth2/authorize`, `/oauth2/token`) or the `fastish dev` server, which serves the same endpoints.
 * Tokens live in sessionStorage only (one tab, gone when it closes); nothing is written to cookies or
 * localStorage. The API takes the ID token: Cognito puts the tenant and role claims there.
 */

export type Role = 'operator' | 'admin' | 'member' | 'viewer';

export interface Session {
  idToken: string;
  /** Epoch milliseconds of the token's `exp`. */
  expiresAt: number;
  tenantId: string;
  role: Role;
  tier: string;
  email: string;
  userId: string;
}

export interface AuthConfig {
  authUrl: string;
  clientId: string;
  /** The production console: the only callback host registered with Cognito ('' = this origin). */
  consoleOrigin?: string;
  /** Pull-request preview origins, `https://pr-*.<domain>` (`*`: a number); '' = no previews. */
  previewOrigins?: string;
}

const SESSION_KEY = 'fastish.session';
const PENDING_KEY = 'fastish.pending-sign-in';
const ROLES: readonly Role[] = ['operator', 'admin', 'member', 'viewer'];

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Whether `origin` is one of the console's pull-request previews (`*` in the pattern is a number). */
export function isPreviewOrigin(origin: string, previewOrigins: string | undefined): boolean {
  if (!previewOrigins?.includes('*')) return false;
  const parts = previewOrigins.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${parts.join('[0-9]+')}$`).test(origin);
}

/**
 * Where this page signs in. Cognito takes exact callback URLs only, so a pull-request preview
 * (`https://pr-<n>.<appId>.amplifyapp.com`) cannot be registered: it signs in through the production
 * console's callback, which hands the response back to the preview (`relayTarget`). The code is useless
 * without the PKCE verifier, which stays in the preview's sessionStorage.
 */
export function signInOrigin(config: AuthConfig, here: string = window.location.origin): string {
  const home = config.consoleOrigin;
  return home && here !== home && isPreviewOrigin(here, config.previewOrigins) ? home : here;
}

export function callbackUrl(config: AuthConfig, here: string = window.location.origin): string {
  return `${signInOrigin(config, here)}/auth/callback`;
}

/** The origin a relayed sign-in returns to, carried in the OAuth state after a `.`. */
function relayOriginOf(state: string | null): string | undefined {
  const encoded = state?.split('.')[1];
  if (!encoded) return undefined;
  try {
    return atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

/**
 * On the production console's callback page: the preview callback URL a relayed sign-in response goes
 * to (same query), or undefined when the response is this page's own. Only preview origins of this
 * console qualify, so the callback is no open redirect.
 */
export function relayTarget(
  config: AuthConfig,
  params: URLSearchParams,
  here: string = window.location.origin,
): string | undefined {
  const origin = relayOriginOf(params.get('state'));
  if (!origin || origin === here || here !== config.consoleOrigin) return undefined;
  if (!isPreviewOrigin(origin, config.previewOrigins)) return undefined;
  return `${origin}/auth/callback?${params.toString()}`;
}

/** Claims of a JWT, unverified: the API verifies the token; the console only reads who it is for. */
export function decodeClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Session from an ID token, or undefined when the token lacks the claims the console needs. */
export function sessionFromIdToken(idToken: string): Session | undefined {
  const c = decodeClaims(idToken);
  if (!c) return undefined;
  const role = c['custom:role'];
  const tenantId = c['custom:tenant_id'];
  if (typeof c.exp !== 'number' || typeof tenantId !== 'string') return undefined;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return undefined;
  return {
    idToken,
    expiresAt: c.exp * 1000,
    tenantId,
    role: role as Role,
    tier: typeof c['custom:tier'] === 'string' ? (c['custom:tier'] as string) : '',
    email: typeof c.email === 'string' ? c.email : '',
    userId: typeof c.sub === 'string' ? c.sub : '',
  };
}

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  try {
    const stored = JSON.parse(raw) as { idToken?: unknown };
    return typeof stored.idToken === 'string' ? sessionFromIdToken(stored.idToken) : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ idToken: session.idToken }));
}

export function clearSession(): void {
  sessionStorage.removeItem(SESSION_KEY);
}

export function isExpired(session: Session, now = Date.now()): boolean {
  // A few seconds of margin: a token that expires in flight fails at the API anyway.
  return session.expiresAt - 5_000 <= now;
}

/** Starts sign-in: stores the PKCE verifier and state for this tab, returns the authorize URL. */
export async function beginSignIn(config: AuthConfig, returnTo: string): Promise<string> {
  const verifier = randomString(48);
  const here = window.location.origin;
  const redirectUri = callbackUrl(config, here);
  // A preview signing in through the console says where the response must return to.
  const relay = signInOrigin(config, here) === here ? '' : `.${base64Url(new TextEncoder().encode(here))}`;
  const state = `${randomString(16)}${relay}`;
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, returnTo, redirectUri }));
  const url = new URL(`${config.authUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    state,
    code_challenge: await s256(verifier),
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export class SignInError extends Error {}

/** Finishes sign-in on the callback page: checks state, redeems the code with the verifier. */
export async function completeSignIn(
  config: AuthConfig,
  params: URLSearchParams,
): Promise<{ session: Session; returnTo: string }> {
  const pendingRaw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const error = params.get('error');
  if (error) throw new SignInError(params.get('error_description') ?? `Sign-in failed (${error}).`);
  if (!pendingRaw) throw new SignInError('This sign-in was not started in this tab. Start again.');
  const pending = JSON.parse(pendingRaw) as {
    verifier: string;
    state: string;
    returnTo: string;
    redirectUri?: string;
  };
  const code = params.get('code');
  if (!code || params.get('state') !== pending.state) {
    throw new SignInError('The sign-in response does not match this sign-in. Start again.');
  }
  const res = await fetch(`${config.authUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      // The token request repeats the authorize request's redirect_uri (the console's, for a preview).
      redirect_uri: pending.redirectUri ?? callbackUrl(config),
      code_verifier: pending.verifier,
    }).toString(),
  });
  const body = (await res.json().catch(() => ({}))) as { id_token?: string; error?: string };
  if (!res.ok || typeof body.id_token !== 'string') {
    throw new SignInError(`The sign-in could not be completed (${body.error ?? `HTTP ${res.status}`}).`);
  }
  const session = sessionFromIdToken(body.id_token);
  if (!session) throw new SignInError('Your account has no tenant or role assigned. Ask your administrator.');
  saveSession(session);
  return { session, returnTo: safeReturnTo(pending.returnTo) };
}

/** Only same-site paths: an open redirect would let a link send a signed-in user anywhere. */
export function safeReturnTo(path: string | null | undefined): string {
  return path && /^\/(?![/\\])/.test(path) ? path : '/';
}

export function signOutUrl(config: AuthConfig): string {
  const url = new URL(`${config.authUrl}/logout`);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    // A preview has no registered logout URL: it ends on the production console.
    logout_uri: `${signInOrigin(config)}/`,
  }).toString();
  return url.toString();
}
