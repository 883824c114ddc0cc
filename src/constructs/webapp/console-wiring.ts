import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Naming } from '../../naming';
import type { PublishedValue } from '../published-value';
import { CONSOLE_PREVIEW_ORIGINS_VARIABLE, CONSOLE_REGION_VARIABLE, ConsoleHosting } from './console-hosting';

/** Directory of the Next.js console in the repository. */
export const CONSOLE_APP_ROOT = 'web';

/** Path of the console that receives the OAuth authorization code (web/lib/session.ts). */
export const CONSOLE_CALLBACK_PATH = '/auth/callback';

/**
 * Build-time variables the console reads (web/lib/config.ts). Builds write them to `.env.production`:
 * region and preview origins directly, the others from the published SSM parameters.
 */
export const CONSOLE_ENV = {
  apiUrl: 'NEXT_PUBLIC_API_URL',
  region: CONSOLE_REGION_VARIABLE,
  userPoolId: 'NEXT_PUBLIC_COGNITO_USER_POOL_ID',
  clientId: 'NEXT_PUBLIC_COGNITO_CLIENT_ID',
  cognitoDomain: 'NEXT_PUBLIC_COGNITO_DOMAIN',
  /** The production console: where previews sign in (the only registered callback host). */
  consoleOrigin: 'NEXT_PUBLIC_CONSOLE_ORIGIN',
  /** `https://pr-*.<appId>.amplifyapp.com` (`*`: the pull request number), when previews are on. */
  previewOrigins: CONSOLE_PREVIEW_ORIGINS_VARIABLE,
} as const;

/** The tenant console of a `SaasWebApp`, on Amplify Hosting. */
export interface WebAppConsoleOptions {
  /**
   * GitHub, GitLab or Bitbucket repository (https URL) Amplify builds the console from (Amplify serves
   * SSR apps only from a repository). Its token is read from the secret
   * `<org>-<env>-webapp-console-repository-token`, created before the first deploy (docs/console.md).
   */
  readonly repository: string;
  /**
   * Production branch.
   * @default 'main'
   */
  readonly branch?: string;
  /**
   * Directory of the Next.js console in the repository.
   * @default 'web'
   */
  readonly appRoot?: string;
  /**
   * Custom domain of the console.
   * @default - the Amplify domain `https://<branch>.<appId>.amplifyapp.com`
   */
  readonly domain?: string;
  /**
   * Path of the console that receives the OAuth authorization code.
   * @default '/auth/callback'
   */
  readonly callbackPath?: string;
  /**
   * Build a preview per pull request (Amplify allows it for private repositories only).
   * @default true
   */
  readonly pullRequestPreviews?: boolean;
}

/** The console's Amplify app and the callback path its OAuth sign-in returns to. */
export function createConsoleHosting(
  scope: Construct,
  options: WebAppConsoleOptions,
  naming: Naming,
  logs: { readonly key: kms.IKey; readonly retention: logs.RetentionDays },
): { readonly hosting: ConsoleHosting; readonly callbackPath: string } {
  const hosting = new ConsoleHosting(scope, 'Console', {
    appName: naming.name('amplifyApp', 'console'),
    branch: options.branch ?? 'main',
    appRoot: options.appRoot ?? CONSOLE_APP_ROOT,
    repository: options.repository,
    tokenSecretName: naming.name('secret', 'webapp', 'console-repository-token'),
    customDomain: options.domain,
    pullRequestPreviews: options.pullRequestPreviews ?? true,
    logKey: logs.key,
    logRetention: logs.retention,
  });
  return { hosting, callbackPath: options.callbackPath ?? CONSOLE_CALLBACK_PATH };
}

/** A published value the console reads at build time: its parameter and the value the stack writes. */
export interface ConsoleValue {
  readonly published: PublishedValue;
  readonly value: string;
}

/** Points the console's builds at the published values (public ids and URLs only; no secrets). */
export function readConsoleConfiguration(
  hosting: ConsoleHosting,
  values: Record<Exclude<keyof typeof CONSOLE_ENV, 'region' | 'previewOrigins'>, ConsoleValue>,
): void {
  for (const [key, { published, value }] of Object.entries(values)) {
    hosting.readFromParameter(
      CONSOLE_ENV[key as keyof typeof values],
      { resource: published.parameter, name: published.parameterName },
      value,
    );
  }
}
