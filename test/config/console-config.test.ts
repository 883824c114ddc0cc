// biome-ignore-all lint/suspicious/noExplicitAny: tests mutate raw, untyped config data
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/config';
import { consoleRepositoryHost } from '../../src/constructs/webapp/console-repository';
import { validRaw } from './fixtures';

const consoleOf = (raw: any, env: string) =>
  validateConfig(raw).environments.find((e) => e.name === env)?.settings.webapp.console;

function issuesOf(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => i.path);
    throw err;
  }
  return [];
}

describe('webapp.console', () => {
  it('is off unless configured: a webapp without a console needs no repository', () => {
    expect(consoleOf(validRaw(), 'dev')).toBeUndefined();
  });

  it('takes the repository from defaults and the rest from overrides (checked after merging)', () => {
    const raw = validRaw();
    raw.defaults.webapp = { console: { repository: 'https://github.com/acme/platform' } };
    raw.environments.prod.overrides = { webapp: { console: { domain: 'console.acme.example.com' } } };
    expect(consoleOf(raw, 'prod')).toEqual({
      enabled: true,
      repository: 'https://github.com/acme/platform',
      branch: 'main',
      domain: 'console.acme.example.com',
      callbackPath: '/auth/callback',
      pullRequestPreviews: true,
    });
  });

  it('needs the repository in every environment that deploys the webapp, unless turned off there', () => {
    const raw = validRaw();
    raw.defaults.webapp = { console: {} };
    expect(issuesOf(raw)).toEqual([
      'environments.dev.overrides.webapp.console.repository',
      'environments.prod.overrides.webapp.console.repository',
    ]);
    raw.environments.dev.overrides.webapp = { console: { enabled: false } };
    raw.environments.prod.architectures = ['eks'];
    expect(issuesOf(raw)).toEqual([]);
  });

  it('accepts GitHub, GitLab (with subgroups) and Bitbucket repositories', () => {
    for (const repository of [
      'https://github.com/acme/platform',
      'https://gitlab.com/acme/web/platform',
      'https://bitbucket.org/acme/platform',
    ]) {
      const raw = validRaw();
      raw.defaults.webapp = { console: { repository } };
      expect(consoleOf(raw, 'dev')?.repository).toBe(repository);
    }
    for (const repository of [
      'http://github.com/acme/platform',
      'https://github.com/acme',
      'git@github.com:a/b',
    ]) {
      const raw = validRaw();
      raw.defaults.webapp = { console: { repository } };
      expect(issuesOf(raw), repository).toContain('defaults.webapp.console.repository');
    }
  });

  it('derives the CloudFormation token property from the host (AccessToken is GitHub-only)', () => {
    expect(consoleRepositoryHost('https://github.com/acme/platform').tokenProperty).toBe('accessToken');
    expect(consoleRepositoryHost('https://gitlab.com/acme/web/platform').tokenProperty).toBe('oauthToken');
    expect(consoleRepositoryHost('https://bitbucket.org/acme/platform').tokenProperty).toBe('oauthToken');
    expect(() => consoleRepositoryHost('https://git.example.com/acme/platform')).toThrow(
      /not a repository host/,
    );
  });
});
