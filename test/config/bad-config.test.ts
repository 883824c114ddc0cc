// biome-ignore-all lint/suspicious/noExplicitAny: tests mutate raw, untyped config data
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/config';
import { formatValue } from '../../src/config/errors';
import { validRaw } from './fixtures';

interface BadCase {
  readonly name: string;
  readonly mutate: (c: any) => void;
  readonly path: string;
  /** The offending value as the config holds it (`undefined` = missing). */
  readonly value: unknown;
  /** What the message must say is accepted / wrong. */
  readonly says: RegExp;
}

const OTHER_ACCOUNT_CONNECTION =
  'arn:aws:codeconnections:eu-west-1:111111111111:connection/0b7d8f0e-1f7e-4b9c-9a53-2d1c3c8e6a11';
const CHINA_CONNECTION =
  'arn:aws-cn:codeconnections:cn-north-1:222222222222:connection/0b7d8f0e-1f7e-4b9c-9a53-2d1c3c8e6a11';

const CASES: BadCase[] = [
  {
    name: 'upper-case organization name',
    mutate: (c) => (c.organization.name = 'Acme'),
    path: 'organization.name',
    value: 'Acme',
    says: /lowercase/,
  },
  {
    name: 'organization name too long',
    mutate: (c) => (c.organization.name = 'abcdefghijklm'),
    path: 'organization.name',
    value: 'abcdefghijklm',
    says: /at most 12/,
  },
  {
    name: 'organization name with --',
    mutate: (c) => (c.organization.name = 'a--b'),
    path: 'organization.name',
    value: 'a--b',
    says: /"--"/,
  },
  {
    name: 'organization name ending in a hyphen',
    mutate: (c) => (c.organization.name = 'acme-'),
    path: 'organization.name',
    value: 'acme-',
    says: /not end with a hyphen/,
  },
  {
    name: 'domain not a lowercase DNS name',
    mutate: (c) => (c.organization.domain = 'Example.COM'),
    path: 'organization.domain',
    value: 'Example.COM',
    says: /DNS name/,
  },
  {
    name: 'missing domain',
    mutate: (c) => delete c.organization.domain,
    path: 'organization.domain',
    value: undefined,
    says: /is required/,
  },
  {
    name: 'platform team that is not a team',
    mutate: (c) => (c.organization.platformTeam = 'nobody'),
    path: 'organization.platformTeam',
    value: 'nobody',
    says: /is not a team; teams: platform, data/,
  },
  {
    name: 'misspelled organization key',
    mutate: (c) => (c.organization.nmae = 'x'),
    path: 'organization.nmae',
    value: 'x',
    says: /did you mean "name"/,
  },
  {
    name: 'misspelled top-level key',
    mutate: (c) => (c.enviroments = {}),
    path: 'enviroments',
    value: {},
    says: /did you mean "environments"/,
  },
  { name: 'no teams', mutate: (c) => (c.teams = {}), path: 'teams', value: {}, says: /at least one team/ },
  {
    name: 'team name with capitals',
    mutate: (c) => (c.teams.Data = c.teams.data),
    path: 'teams.Data',
    value: 'Data',
    says: /not a valid key/,
  },
  {
    name: 'empty cost center',
    mutate: (c) => (c.teams.data.costCenter = ''),
    path: 'teams.data.costCenter',
    value: '',
    says: /1-64 characters/,
  },
  {
    name: 'contributor ARN with a short account',
    mutate: (c) => (c.teams.platform.contributors[0].principal = 'arn:aws:iam::123:role/x'),
    path: 'teams.platform.contributors[0].principal',
    value: 'arn:aws:iam::123:role/x',
    says: /not an IAM user or role ARN/,
  },
  {
    name: 'contributor role not a level',
    mutate: (c) => (c.teams.platform.contributors[0].role = 'owner'),
    path: 'teams.platform.contributors[0].role',
    value: 'owner',
    says: /one of: "admin", "developer", "read-only"/,
  },
  {
    name: 'contributor listed twice',
    mutate: (c) =>
      c.teams.platform.contributors.push({ ...c.teams.platform.contributors[0], role: 'developer' }),
    path: 'teams.platform.contributors[1].principal',
    value: 'arn:aws:iam::111111111111:role/Admins',
    says: /listed twice/,
  },
  {
    name: 'no environments',
    mutate: (c) => (c.environments = {}),
    path: 'environments',
    value: {},
    says: /at least one environment/,
  },
  {
    name: 'environment name too long',
    mutate: (c) => (c.environments['production-eu'] = c.environments.prod),
    path: 'environments.production-eu',
    value: 'production-eu',
    says: /at most 10/,
  },
  {
    name: 'account id as a number',
    mutate: (c) => (c.environments.prod.account = 12),
    path: 'environments.prod.account',
    value: 12,
    says: /12-digit AWS account id, quoted/,
  },
  {
    name: 'account id too short',
    mutate: (c) => (c.environments.prod.account = '12345'),
    path: 'environments.prod.account',
    value: '12345',
    says: /12-digit/,
  },
  {
    name: 'unknown region',
    mutate: (c) => (c.environments.prod.region = 'us-east-9'),
    path: 'environments.prod.region',
    value: 'us-east-9',
    says: /is not an AWS region/,
  },
  {
    name: 'a single availability zone',
    mutate: (c) => (c.environments.prod.availabilityZones = ['eu-west-1a']),
    path: 'environments.prod.availabilityZones',
    value: ['eu-west-1a'],
    says: /at least 2 availability zones/,
  },
  {
    name: 'zone of another region',
    mutate: (c) => (c.environments.prod.availabilityZones[1] = 'us-east-1b'),
    path: 'environments.prod.availabilityZones[1]',
    value: 'us-east-1b',
    says: /is not a zone of eu-west-1/,
  },
  {
    name: 'zone listed twice',
    mutate: (c) => (c.environments.prod.availabilityZones[2] = 'eu-west-1a'),
    path: 'environments.prod.availabilityZones[2]',
    value: 'eu-west-1a',
    says: /listed twice/,
  },
  {
    name: 'malformed zone',
    mutate: (c) => (c.environments.prod.availabilityZones[0] = 'euwest1a'),
    path: 'environments.prod.availabilityZones[0]',
    value: 'euwest1a',
    says: /availability zone name/,
  },
  {
    name: 'approval not required/none',
    mutate: (c) => (c.environments.prod.approval = 'maybe'),
    path: 'environments.prod.approval',
    value: 'maybe',
    says: /one of: "required", "none"/,
  },
  {
    name: 'unknown architecture',
    mutate: (c) => (c.environments.prod.architectures = ['lambda']),
    path: 'environments.prod.architectures[0]',
    value: 'lambda',
    says: /one of: "webapp", "eks", "druid"/,
  },
  {
    name: 'druid without eks',
    mutate: (c) => (c.environments.dev.architectures = ['druid']),
    path: 'environments.dev.architectures',
    value: ['druid'],
    says: /needs "eks"/,
  },
  {
    name: 'architecture listed twice',
    mutate: (c) => (c.environments.dev.architectures = ['webapp', 'webapp']),
    path: 'environments.dev.architectures[1]',
    value: 'webapp',
    says: /listed twice/,
  },
  {
    name: 'region without a service the architecture needs',
    mutate: (c) =>
      Object.assign(c.environments.dev, {
        region: 'eu-south-2',
        availabilityZones: ['eu-south-2a', 'eu-south-2b'],
        architectures: ['eks', 'druid'],
      }),
    path: 'environments.dev.region',
    value: 'eu-south-2',
    says: /does not offer msk-serverless/,
  },
  {
    name: 'log retention CloudWatch does not offer',
    mutate: (c) => (c.environments.dev.overrides.logRetentionDays = 42),
    path: 'environments.dev.overrides.logRetentionDays',
    value: 42,
    says: /CloudWatch Logs retention/,
  },
  {
    name: 'bad CIDR in defaults',
    mutate: (c) => (c.defaults.eks = { vpcCidr: '10.0.0.0/33' }),
    path: 'defaults.eks.vpcCidr',
    value: '10.0.0.0/33',
    says: /prefix above \/32/,
  },
  {
    name: 'owning team that is not a team',
    mutate: (c) => (c.environments.dev.overrides.webapp = { team: 'ghost' }),
    path: 'environments.dev.overrides.webapp.team',
    value: 'ghost',
    says: /is not a team/,
  },
  {
    name: 'replica in the home region',
    mutate: (c) => (c.environments.dev.overrides.webapp = { tableReplicaRegions: ['eu-west-1'] }),
    path: 'environments.dev.overrides.webapp.tableReplicaRegions[0]',
    value: 'eu-west-1',
    says: /home region/,
  },
  {
    name: 'misspelled override section',
    mutate: (c) => (c.environments.dev.overrides.webap = {}),
    path: 'environments.dev.overrides.webap',
    value: {},
    says: /did you mean "webapp"/,
  },
  {
    name: 'invalid qualifier',
    mutate: (c) => (c.environments.dev.overrides.bootstrap = { qualifier: 'Too-Long-Qualifier' }),
    path: 'environments.dev.overrides.bootstrap.qualifier',
    value: 'Too-Long-Qualifier',
    says: /1-10 lowercase letters or digits/,
  },
  {
    name: 'qualifier shared in one account and region',
    mutate: (c) => {
      c.environments.prod.account = '222222222222';
      c.environments.dev.overrides.bootstrap = { qualifier: 'same' };
      c.environments.prod.overrides = { bootstrap: { qualifier: 'same' } };
    },
    path: 'environments.prod.overrides.bootstrap.qualifier',
    value: 'same',
    says: /also used by environment "dev"/,
  },
  {
    name: 'environment name extending another in the same account and region',
    mutate: (c) => (c.environments['dev-team'] = { ...c.environments.dev, overrides: {} }),
    path: 'environments.dev-team',
    value: 'dev-team',
    says: /extends the name of environment "dev"/,
  },
  {
    name: 'trusted account malformed',
    mutate: (c) => (c.defaults.bootstrap = { trustedAccounts: ['abc'] }),
    path: 'defaults.bootstrap.trustedAccounts[0]',
    value: 'abc',
    says: /12-digit/,
  },
  {
    name: 'reserved fastish: tag key',
    mutate: (c) => (c.tags['fastish:owner'] = 'x'),
    path: 'tags.fastish:owner',
    value: 'fastish:owner',
    says: /reserved/,
  },
  {
    name: 'aws: tag key',
    mutate: (c) => (c.tags['aws:owner'] = 'x'),
    path: 'tags.aws:owner',
    value: 'aws:owner',
    says: /must not start with "aws:"/,
  },
  {
    name: 'tag value with forbidden characters',
    mutate: (c) => (c.tags.owner = 'a<b>'),
    path: 'tags.owner',
    value: 'a<b>',
    says: /characters AWS tags do not accept/,
  },
  {
    name: 'pipeline in an unknown environment',
    mutate: (c) => (c.release.pipelineEnvironment = 'staging'),
    path: 'release.pipelineEnvironment',
    value: 'staging',
    says: /is not an environment; environments: dev, prod/,
  },
  {
    name: 'malformed connection ARN',
    mutate: (c) => (c.release.connectionArn = 'arn:aws:s3:::bucket'),
    path: 'release.connectionArn',
    value: 'arn:aws:s3:::bucket',
    says: /connection ARN/,
  },
  {
    name: 'connection in another account than the pipeline',
    mutate: (c) => (c.release.connectionArn = OTHER_ACCOUNT_CONNECTION),
    path: 'release.connectionArn',
    value: OTHER_ACCOUNT_CONNECTION,
    says: /is in account 111111111111, but the pipeline runs in environment "dev" \(account 222222222222\)/,
  },
  {
    name: 'connection moved with the pipeline to another account',
    mutate: (c) => (c.release.pipelineEnvironment = 'prod'),
    path: 'release.connectionArn',
    value: validRaw().release.connectionArn,
    says: /is in account 222222222222, but the pipeline runs in environment "prod" \(account 333333333333\)/,
  },
  {
    name: 'connection in another partition than the pipeline',
    mutate: (c) => (c.release.connectionArn = CHINA_CONNECTION),
    path: 'release.connectionArn',
    value: CHINA_CONNECTION,
    says: /is in partition "aws-cn", not "aws".*eu-west-1/,
  },
  {
    name: 'connection ARN naming a region of another partition',
    mutate: (c) => (c.release.connectionArn = CHINA_CONNECTION.replace('arn:aws-cn:', 'arn:aws:')),
    path: 'release.connectionArn',
    value: CHINA_CONNECTION.replace('arn:aws-cn:', 'arn:aws:'),
    says: /names region "cn-north-1", which is not a region of partition "aws"/,
  },
  {
    name: 'repository without owner',
    mutate: (c) => (c.release.repository = 'platform'),
    path: 'release.repository',
    value: 'platform',
    says: /owner\/name/,
  },
  {
    name: 'console without a repository',
    mutate: (c) => (c.defaults.webapp = { console: { branch: 'main' } }),
    path: 'environments.dev.overrides.webapp.console.repository',
    value: undefined,
    says: /is required when the console is enabled: the https URL of the GitHub, GitLab or Bitbucket repository.*or set console.enabled: false/,
  },
  {
    name: 'console repository on a host Amplify does not build from',
    mutate: (c) =>
      (c.environments.dev.overrides.webapp = {
        console: { repository: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/platform' },
      }),
    path: 'environments.dev.overrides.webapp.console.repository',
    value: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/platform',
    says: /must be the https URL of a GitHub, GitLab or Bitbucket repository/,
  },
  {
    name: 'karpenter limit below 1',
    mutate: (c) => (c.defaults.eks = { karpenterLimits: { cpu: 0 } }),
    path: 'defaults.eks.karpenterLimits.cpu',
    value: 0,
    says: /at least 1/,
  },
];

function errorOf(raw: unknown): ConfigError {
  try {
    validateConfig(raw, 'fastish.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('config unexpectedly valid');
}

describe('bad configurations', () => {
  it('the base config is valid', () => {
    expect(validateConfig(validRaw()).environments.map((e) => e.name)).toEqual(['dev', 'prod']);
  });

  it('has at least 30 distinct cases', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(new Set(CASES.map((c) => c.path)).size).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: names the path and the value', (_, c) => {
    const raw = validRaw();
    c.mutate(raw);
    const err = errorOf(raw);
    const line = err.message.split('\n').find((l) => l.startsWith(`  ${c.path}: ${formatValue(c.value)} `));
    expect(line, err.message).toBeDefined();
    expect(line).toMatch(c.says);
    expect(err.message).not.toMatch(/\n\s+at /); // no stack trace in the message
  });

  it('reports every problem at once', () => {
    const raw = validRaw();
    for (const c of CASES.slice(0, 6)) c.mutate(raw);
    const err = errorOf(raw);
    for (const c of CASES.slice(0, 4)) expect(err.issues.map((i) => i.path)).toContain(c.path);
    expect(err.message).toMatch(/^fastish\.yaml: \d+ configuration errors/);
  });
});
