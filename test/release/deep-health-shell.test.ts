import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev/server';
import { DEEP_CHECK_VARIABLES, deepHealthShellCommands } from '../../src/release/health';

/**
 * The pipeline's deep-check step, run as CodeBuild runs it (POSIX `sh`, real curl and node) against the dev
 * server. Only the AWS CLI is a stand-in: it answers AssumeRole and, given those credentials only,
 * DescribeUserPoolClient.
 */

const READER = 'arn:aws:iam::333333333333:role/acme-prod-webapp-health-reader-eu-west-1';
const FAKE_AWS = `#!/bin/sh
echo "$@" >> "$AWS_LOG"
case "$1 $2" in
  "sts assume-role") printf 'AKIAFAKE\\tSECRETFAKE\\tTOKENFAKE\\n' ;;
  "cognito-idp describe-user-pool-client")
    [ "$AWS_ACCESS_KEY_ID" = AKIAFAKE ] && [ "$AWS_SESSION_TOKEN" = TOKENFAKE ] || { echo "AccessDenied" >&2; exit 254; }
    printf '%s\\n' "$FAKE_CLIENT_SECRET" ;;
  *) exit 2 ;;
esac
`;

let server: DevServer;
let dir: string;

beforeAll(async () => {
  server = await startDevServer({ logLevel: 'SILENT' });
  dir = mkdtempSync(join(tmpdir(), 'deep-health-shell-'));
  writeFileSync(join(dir, 'aws'), FAKE_AWS);
  chmodSync(join(dir, 'aws'), 0o755);
});
afterAll(() => server.stop());

/** Runs the step's commands in one `sh` (asynchronously: the dev server answers from this process). */
async function runStep(secret: string) {
  writeFileSync(join(dir, 'aws.log'), '');
  const script = [
    'set -e',
    ...deepHealthShellCommands({ region: 'eu-west-1', readerRoleArn: READER, retries: 0 }),
  ];
  const env = {
    PATH: `${dir}:${process.env.PATH}`,
    AWS_LOG: join(dir, 'aws.log'),
    FAKE_CLIENT_SECRET: secret,
    [DEEP_CHECK_VARIABLES.apiUrl]: `${server.url}/`,
    [DEEP_CHECK_VARIABLES.userPoolId]: 'eu-west-1_AbCdEf',
    [DEEP_CHECK_VARIABLES.clientId]: server.healthClient.clientId,
    [DEEP_CHECK_VARIABLES.domain]: server.url,
  };
  const res = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile('sh', ['-c', script.join('\n')], { cwd: dir, env }, (err, stdout, stderr) =>
      resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
  return { ...res, aws: readFileSync(join(dir, 'aws.log'), 'utf8') };
}

describe('the pipeline deep-check step (sh, curl, node)', () => {
  it('reads the secret through the reader role, gets a token and passes /health/deep', async () => {
    const res = await runStep(server.healthClient.clientSecret);
    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain(`GET ${server.url}/health/deep -> 200`);
    expect(res.stdout).toContain('"status":"ok"');
    expect(res.aws.split('\n')[0]).toContain(`sts assume-role --role-arn ${READER}`);
    expect(res.aws.split('\n')[1]).toBe(
      `cognito-idp describe-user-pool-client --region eu-west-1 --user-pool-id eu-west-1_AbCdEf --client-id ${server.healthClient.clientId} --query UserPoolClient.ClientSecret --output text`,
    );
    // The secret is passed on stdin, never printed.
    expect(res.stdout + res.stderr).not.toContain(server.healthClient.clientSecret);
  });

  it('fails the step when the token is refused', async () => {
    const res = await runStep('not-the-secret');
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain('invalid_client');
  });

  it('fails the step and prints the failed dependency when DynamoDB is down (last: stops the engine)', async () => {
    await server.dynamo.stop();
    const res = await runStep(server.healthClient.clientSecret);
    expect(res.status).not.toBe(0);
    expect(res.stdout).toContain(`GET ${server.url}/health/deep -> 503`);
    expect(res.stdout).toContain('"failed":"dynamodb"');
  });
});
