/** What the browser needs to sign in and call the API. Public values only: ids and URLs, no secrets. */
export interface ConsoleConfig {
  /** Base URL of the Fastish API, without a trailing slash. */
  apiUrl: string;
  /** Base URL of the authorization server: the Cognito domain, or the `fastish dev` server. */
  authUrl: string;
  /** OAuth client id (the Cognito app client of the console; `local-client` under `fastish dev`). */
  clientId: string;
  region: string;
  userPoolId: string;
  /** `local` under `fastish dev` (the page says so); `cognito` otherwise. */
  mode: 'cognito' | 'local';
  /** Origin of the production console, the only registered sign-in callback host ('' under `fastish dev`). */
  consoleOrigin: string;
  /**
   * Origins of pull-request previews, `https://pr-*.<appId>.amplifyapp.com` (`*`: the pull request number);
   * '' when previews are off. Previews sign in through `consoleOrigin` (lib/session.ts).
   */
  previewOrigins: string;
}

/**
 * Names of the environment variables, equal to the webapp stack's `CONSOLE_ENV`
 * (src/stacks/webapp/console.ts): every Amplify build writes them to `.env.production`.
 */
export const CONSOLE_ENV = {
  apiUrl: 'NEXT_PUBLIC_API_URL',
  region: 'NEXT_PUBLIC_AWS_REGION',
  userPoolId: 'NEXT_PUBLIC_COGNITO_USER_POOL_ID',
  clientId: 'NEXT_PUBLIC_COGNITO_CLIENT_ID',
  cognitoDomain: 'NEXT_PUBLIC_COGNITO_DOMAIN',
  consoleOrigin: 'NEXT_PUBLIC_CONSOLE_ORIGIN',
  previewOrigins: 'NEXT_PUBLIC_CONSOLE_PREVIEW_ORIGINS',
  /** Set by `fastish dev` only. */
  mode: 'FASTISH_CONSOLE_MODE',
} as const;

/**
 * Values known at build time. Amplify Hosting passes branch variables to the build, not to the SSR
 * runtime, so Next inlines these literal references when `next build` runs there.
 */
const BUILT: Record<keyof typeof CONSOLE_ENV, string | undefined> = {
  apiUrl: process.env.NEXT_PUBLIC_API_URL,
  region: process.env.NEXT_PUBLIC_AWS_REGION,
  userPoolId: process.env.NEXT_PUBLIC_COGNITO_USER_POOL_ID,
  clientId: process.env.NEXT_PUBLIC_COGNITO_CLIENT_ID,
  cognitoDomain: process.env.NEXT_PUBLIC_COGNITO_DOMAIN,
  consoleOrigin: process.env.NEXT_PUBLIC_CONSOLE_ORIGIN,
  previewOrigins: process.env.NEXT_PUBLIC_CONSOLE_PREVIEW_ORIGINS,
  mode: undefined,
};

/** Runtime value first (a computed name is never inlined), then the build-time one. */
function value(key: keyof typeof CONSOLE_ENV): string {
  const runtime = process.env[CONSOLE_ENV[key]];
  return (runtime && runtime.length > 0 ? runtime : BUILT[key]) ?? '';
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function readConfig(): ConsoleConfig {
  return {
    apiUrl: trimSlash(value('apiUrl')),
    authUrl: trimSlash(value('cognitoDomain')),
    clientId: value('clientId'),
    region: value('region'),
    userPoolId: value('userPoolId'),
    mode: value('mode') === 'local' ? 'local' : 'cognito',
    consoleOrigin: trimSlash(value('consoleOrigin')),
    previewOrigins: value('previewOrigins'),
  };
}

/** Names of missing values, so a misconfigured deployment says what is wrong instead of failing later. */
export function missingConfig(config: ConsoleConfig): string[] {
  const missing: string[] = [];
  if (!config.apiUrl) missing.push(CONSOLE_ENV.apiUrl);
  if (!config.authUrl) missing.push(CONSOLE_ENV.cognitoDomain);
  if (!config.clientId) missing.push(CONSOLE_ENV.clientId);
  return missing;
}
