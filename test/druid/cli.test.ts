import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { druidCommand } from '../../src/cli/commands/druid';
import { DATASOURCES } from './fixture';

describe('fastish druid specs', () => {
  it('prints every generated call offline, with the MSK IAM consumer properties', async () => {
    const path = join(tmpdir(), `druid-cli-${process.pid}.yaml`);
    writeFileSync(
      path,
      stringify({
        organization: { name: 'acme', domain: 'acme.example.com', platformTeam: 'platform' },
        teams: { platform: { costCenter: 'CC-1' } },
        defaults: {
          druid: { ingestion: 'both', dataLake: { bucketName: 'acme-data-lake' }, datasources: DATASOURCES },
        },
        environments: {
          dev: {
            account: '222222222222',
            region: 'eu-west-1',
            availabilityZones: ['eu-west-1a', 'eu-west-1b'],
            architectures: ['eks', 'druid'],
          },
        },
      }),
    );
    let out = '';
    const code = await druidCommand.run(['specs', '--config', path, '--json'], {
      out: (t) => (out += t),
      err: () => {},
    });
    expect(code).toBe(0);
    // biome-ignore lint/suspicious/noExplicitAny: the printed specs are untyped JSON
    const calls = JSON.parse(out) as Array<{ path: string; body: any }>;
    expect(calls).toHaveLength(7);
    const kafka = calls.find((c) => c.body.type === 'kafka');
    expect(kafka?.body.spec.ioConfig.consumerProperties['sasl.mechanism']).toBe('AWS_MSK_IAM');
    expect(kafka?.body.spec.ioConfig.consumerProperties['bootstrap.servers']).toBe(
      '<MSK_IAM_BOOTSTRAP_SERVERS>',
    );
    const kinesis = calls.find((c) => c.body.type === 'kinesis');
    expect(kinesis?.body.spec.ioConfig.stream).toBe('acme-dev-druid-orders');
    await expect(druidCommand.run(['nope'], { out: () => {}, err: () => {} })).rejects.toThrow(
      /unknown druid command/,
    );
  });
});
