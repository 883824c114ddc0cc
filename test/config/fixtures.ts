// biome-ignore-all lint/suspicious/noExplicitAny: raw config data is untyped by nature (it is what the schema validates)
/** A small valid config (raw data, as read from YAML); tests clone and mutate it. */
export function validRaw(): Record<string, any> {
  return {
    organization: { name: 'acme', domain: 'acme.example.com', platformTeam: 'platform' },
    teams: {
      platform: {
        costCenter: 'CC-1000',
        contributors: [{ principal: 'arn:aws:iam::111111111111:role/Admins', role: 'admin' }],
      },
      data: { costCenter: 'CC-2000', contributors: [] },
    },
    defaults: { logRetentionDays: 365 },
    tags: { owner: 'platform@acme.example.com' },
    environments: {
      dev: {
        account: '222222222222',
        region: 'eu-west-1',
        availabilityZones: ['eu-west-1a', 'eu-west-1b'],
        approval: 'none',
        architectures: ['webapp'],
        overrides: { logRetentionDays: 30 },
      },
      prod: {
        account: '333333333333',
        region: 'eu-west-1',
        availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        architectures: ['webapp', 'eks'],
      },
    },
    release: {
      pipelineEnvironment: 'dev',
      connectionArn:
        'arn:aws:codeconnections:eu-west-1:222222222222:connection/0b7d8f0e-1f7e-4b9c-9a53-2d1c3c8e6a11',
      repository: 'acme/platform',
    },
  };
}
