/**
 * Git hosts Amplify Hosting builds from with a token, and the CloudFormation property that takes it:
 * `AccessToken` is GitHub-only (the Amplify GitHub App); Bitbucket and GitLab take `OauthToken`.
 * CodeCommit (IAM access) and self-hosted servers are not offered.
 */
export const CONSOLE_REPOSITORY_HOSTS = {
  'github.com': { provider: 'GitHub', tokenProperty: 'accessToken' },
  'gitlab.com': { provider: 'GitLab', tokenProperty: 'oauthToken' },
  'bitbucket.org': { provider: 'Bitbucket', tokenProperty: 'oauthToken' },
} as const;
export type ConsoleRepositoryHost = keyof typeof CONSOLE_REPOSITORY_HOSTS;

/** The host entry of a console repository URL (one the schema accepted). */
export function consoleRepositoryHost(url: string): (typeof CONSOLE_REPOSITORY_HOSTS)[ConsoleRepositoryHost] {
  const host = new URL(url).hostname as ConsoleRepositoryHost;
  const entry = CONSOLE_REPOSITORY_HOSTS[host];
  if (!entry) throw new Error(`${url}: not a repository host Amplify builds from`);
  return entry;
}
