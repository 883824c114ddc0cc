import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AuthConfig,
  beginSignIn,
  callbackUrl,
  completeSignIn,
  isPreviewOrigin,
  relayTarget,
  signOutUrl,
} from '../../web/lib/session';

declare global {
  // The browser globals web/lib/session.ts uses: the root program has no DOM lib (web/ is type-checked
  // with it by `npx --prefix web tsc -p web`), and these tests stub them.
  var window: { location: { origin: string } };
  var sessionStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    removeItem(key: string): void;
  };
}

const consoleOrigin = 'https://main.d1a2b3.amplifyapp.com';
const preview = 'https://pr-12.d1a2b3.amplifyapp.com';
const config: AuthConfig = {
  authUrl: 'https://acme-dev-auth.auth.eu-west-1.amazoncognito.com',
  clientId: 'client',
  consoleOrigin,
  previewOrigins: 'https://pr-*.d1a2b3.amplifyapp.com',
};

/** The browser globals session.ts uses, for a page at `origin`. */
function browserAt(origin: string): void {
  vi.stubGlobal('window', { location: { origin } });
}

beforeEach(() => {
  const store = new Map<string, string>();
  vi.stubGlobal('sessionStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => store.set(k, v),
    removeItem: (k: string) => store.delete(k),
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('pull-request previews sign in through the console', () => {
  it('recognizes only this console’s previews', () => {
    expect(isPreviewOrigin(preview, config.previewOrigins)).toBe(true);
    expect(isPreviewOrigin('https://pr-12.d9999.amplifyapp.com', config.previewOrigins)).toBe(false);
    expect(isPreviewOrigin('https://pr-12.d1a2b3.amplifyapp.com.evil.example', config.previewOrigins)).toBe(
      false,
    );
    expect(isPreviewOrigin(preview, '')).toBe(false);
  });

  it('uses the console’s registered callback and logout URLs from a preview, its own elsewhere', () => {
    expect(callbackUrl(config, preview)).toBe(`${consoleOrigin}/auth/callback`);
    expect(callbackUrl(config, consoleOrigin)).toBe(`${consoleOrigin}/auth/callback`);
    // `fastish dev` and previews turned off: the page's own origin, as before.
    expect(callbackUrl({ ...config, previewOrigins: '' }, preview)).toBe(`${preview}/auth/callback`);
    expect(callbackUrl({ authUrl: 'x', clientId: 'c' }, 'http://127.0.0.1:3000')).toBe(
      'http://127.0.0.1:3000/auth/callback',
    );
    browserAt(preview);
    expect(new URL(signOutUrl(config)).searchParams.get('logout_uri')).toBe(`${consoleOrigin}/`);
  });

  it('round-trips a preview sign-in: authorize → console callback → preview callback → token', async () => {
    browserAt(preview);
    const authorize = new URL(await beginSignIn(config, '/items'));
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${consoleOrigin}/auth/callback`);
    const state = authorize.searchParams.get('state') as string;

    // Cognito redirects to the console's callback, which hands the response to the preview.
    const response = new URLSearchParams({ code: 'abc', state });
    expect(relayTarget(config, response, consoleOrigin)).toBe(`${preview}/auth/callback?${response}`);
    // Only the console relays, and never to itself or to a foreign origin.
    expect(relayTarget(config, response, preview)).toBeUndefined();
    const own = new URLSearchParams({ code: 'abc', state: 'plainstate' });
    expect(relayTarget(config, own, consoleOrigin)).toBeUndefined();
    const foreign = new URLSearchParams({ code: 'abc', state: `x.${btoa('https://evil.example')}` });
    expect(relayTarget(config, foreign, consoleOrigin)).toBeUndefined();

    // The preview redeems the code with the same redirect_uri and its own PKCE verifier.
    const idToken = [
      'e30',
      btoa(JSON.stringify({ exp: 4_000_000_000, 'custom:tenant_id': 'acme', 'custom:role': 'admin' })),
      'sig',
    ].join('.');
    const fetchMock = vi.fn(
      async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ id_token: idToken })),
    );
    vi.stubGlobal('fetch', fetchMock);
    const { session, returnTo } = await completeSignIn(config, response);
    expect(session.tenantId).toBe('acme');
    expect(returnTo).toBe('/items');
    const init = fetchMock.mock.calls[0]?.at(1) as RequestInit;
    const body = new URLSearchParams(String(init.body));
    expect(body.get('redirect_uri')).toBe(`${consoleOrigin}/auth/callback`);
    expect(body.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it('keeps the console’s own sign-in unchanged (no relay in the state)', async () => {
    browserAt(consoleOrigin);
    const authorize = new URL(await beginSignIn(config, '/'));
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${consoleOrigin}/auth/callback`);
    expect(authorize.searchParams.get('state')).not.toContain('.');
  });
});
