import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { WebappSettings } from '../../config/architectures/webapp';
import type { PublishedValue } from '../../constructs/published-value';
import {
  CONSOLE_PREVIEW_ORIGINS_VARIABLE,
  CONSOLE_REGION_VARIABLE,
  ConsoleHosting,
} from '../../constructs/webapp/console-hosting';
import type { Naming } from '../../naming';

/** Directory of the Next.js console in the repository. */
export const CONSOLE_APP_ROOT = 'web';

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

export type ConsoleSettings = NonNullable<WebappSettings['console']>;

/**
 * The console's Amplify app, when the environment's settings enable one (with its repository, which
 * validation requires). The repository token comes from the secret `<org>-<env>-webapp-console-repository-token`,
 * created by the operator before the first deploy (docs/console.md).
 */
export function createConsoleHosting(
  scope: Construct,
  settings: WebappSettings,
  naming: Naming,
  logs: { readonly key: kms.IKey; readonly retention: logs.RetentionDays },
): { readonly hosting: ConsoleHosting; readonly settings: ConsoleSettings } | undefined {
  const console = settings.console;
  if (!console?.enabled) return undefined;
  if (!console.repository) throw new Error('webapp.console.repository is required (validated by the config)');
  const hosting = new ConsoleHosting(scope, 'Console', {
    appName: naming.name('amplifyApp', 'console'),
    branch: console.branch,
    appRoot: CONSOLE_APP_ROOT,
    repository: console.repository,
    tokenSecretName: naming.name('secret', 'webapp', 'console-repository-token'),
    customDomain: console.domain,
    pullRequestPreviews: console.pullRequestPreviews,
    logKey: logs.key,
    logRetention: logs.retention,
  });
  return { hosting, settings: console };
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
