import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { METADATA_MASTER_USER, METADATA_USER } from '../../src/constructs/druid/metadata-store';
import { METADATA_USER_HANDLER } from '../../src/constructs/druid/metadata-user';
import { parseRuntimeProperties } from '../../src/constructs/druid/runtime-properties';
import type { DruidStack } from '../../src/stacks/druid/druid-stack';
import { synthDruid } from './fixture';

// biome-ignore lint/suspicious/noExplicitAny: tests read untyped templates
type Any = Record<string, any>;

/** Runs the inline handler with fake SDK clients and a fake HTTPS response channel. */
async function invoke(event: Any, password = 'pa^ss-word') {
  const sql: string[] = [];
  const responses: Any[] = [];
  const fakes: Record<string, unknown> = {
    'node:https': {
      request: (_url: string, _opts: unknown, cb: (res: Any) => void) => ({
        on: () => undefined,
        end: (body: string) => {
          responses.push(JSON.parse(body));
          cb({ resume: () => undefined, on: (_e: string, done: () => void) => done() });
        },
      }),
    },
    '@aws-sdk/client-rds-data': {
      RDSDataClient: class {
        send = async (c: Any) => sql.push(c.input.sql);
      },
      ExecuteStatementCommand: class {
        constructor(readonly input: Any) {}
      },
    },
    '@aws-sdk/client-secrets-manager': {
      SecretsManagerClient: class {
        send = async () => ({ SecretString: JSON.stringify({ username: METADATA_USER, password }) });
      },
      GetSecretValueCommand: class {},
    },
  };
  const module = { exports: {} as Any };
  runInNewContext(METADATA_USER_HANDLER, {
    require: (id: string) => fakes[id],
    module,
    exports: module.exports,
    console: { error: () => undefined },
    Buffer,
    JSON,
    String,
    Error,
    Promise,
  });
  await module.exports.handler(event);
  return { sql, responses };
}

const event = (type: string, user = METADATA_USER) => ({
  RequestType: type,
  ResponseURL: 'https://example.invalid/response',
  StackId: 's',
  RequestId: 'r',
  LogicalResourceId: 'l',
  ResourceProperties: {
    User: user,
    Database: 'druid',
    ClusterArn: 'c',
    MasterSecretArn: 'm',
    UserSecretArn: 'u',
  },
});

describe('the metadata user custom resource handler', () => {
  it('creates the role if absent, sets its password, and makes it owner of the database', async () => {
    const { sql, responses } = await invoke(event('Create'), "it's");
    expect(sql[0]).toContain(`CREATE ROLE ${METADATA_USER} LOGIN`);
    expect(sql[1]).toBe(`ALTER ROLE ${METADATA_USER} WITH LOGIN PASSWORD 'it''s'`);
    expect(sql).toContain(`ALTER DATABASE druid OWNER TO ${METADATA_USER}`);
    expect(sql).toContain(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${METADATA_USER}`);
    expect(responses).toEqual([
      expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'druid_app@druid' }),
    ]);
  });
  it('refuses an identifier that is not one, and reports the failure to CloudFormation', async () => {
    const { sql, responses } = await invoke(event('Create', 'druid; DROP'));
    expect(sql).toEqual([]);
    expect(responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringContaining('not a PostgreSQL identifier'),
    });
  });
  it('leaves the role on delete', async () => {
    const { sql, responses } = await invoke(event('Delete'));
    expect(sql).toEqual([]);
    expect(responses[0]?.Status).toBe('SUCCESS');
  });
});

describe('Druid connects to Aurora as its own user', () => {
  let stack: DruidStack;
  let resources: Record<string, Any>;
  beforeAll(() => {
    const r = synthDruid();
    stack = r.stack;
    resources = r.assembly.getStackArtifact(stack.artifactId).template.Resources;
  });
  it('not as the master user, with its secret (never the master secret) synced into Kubernetes', () => {
    const cluster = Object.values(resources).find((r) => r.Type === 'AWS::RDS::DBCluster');
    const common = parseRuntimeProperties(stack.kubernetes.resource.spec['common.runtime.properties']);
    const user = common['druid.metadata.storage.connector.user'];
    expect(user).toBe(METADATA_USER);
    expect(JSON.stringify(cluster?.Properties.MasterUsername)).toContain(METADATA_MASTER_USER);
    expect(user).not.toBe(METADATA_MASTER_USER);
    const sync = stack.resolve(
      stack.kubernetes.objects.find(
        (o) => o.kind === 'ExternalSecret' && (o.metadata as Any).name === 'druid-metadata-credentials',
      ),
    ) as Any;
    expect(sync.spec.data[0].remoteRef.key).toEqual(stack.resolve(stack.metadata.secret.secretArn));
    expect(JSON.stringify(sync)).not.toContain(
      JSON.stringify(stack.resolve(stack.metadata.masterSecret.secretArn)),
    );
  });
  it('creates that user through the Data API once the cluster and its instances exist', () => {
    const [id, cr] = Object.entries(resources).find(([, r]) => r.Type === 'Custom::DruidMetadataUser') ?? [];
    expect(id).toBeDefined();
    expect(cr?.Properties.User).toBe(METADATA_USER);
    const writer = Object.entries(resources).find(
      ([k, r]) => r.Type === 'AWS::RDS::DBInstance' && k.includes('Writer'),
    );
    expect(cr?.DependsOn).toEqual(expect.arrayContaining([writer?.[0]]));
    const cluster = Object.values(resources).find((r) => r.Type === 'AWS::RDS::DBCluster');
    expect(cluster?.Properties.EnableHttpEndpoint).toBe(true);
  });
});
