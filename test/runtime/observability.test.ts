import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { afterEach, describe, expect, it } from 'vitest';
import { tracingEnabled } from '../../src/runtime/observability';

const ROOT = join(__dirname, '..', '..');
const KEYS = ['POWERTOOLS_TRACE_ENABLED', 'AWS_EXECUTION_ENV', 'AWS_SAM_LOCAL'] as const;
const LAMBDA = 'AWS_Lambda_nodejs22.x';

/**
 * In a fresh process (the module cache is the observable): imports observability.ts (did the import load the
 * X-Ray SDK?), builds an observability, instruments a DynamoDB client, and reports whether the tracer and
 * the X-Ray SDK are loaded and the client carries X-Ray's middleware (what makes its calls subsegments).
 */
function probe(env: Partial<Record<(typeof KEYS)[number], string>>) {
  const script = `
    const loaded = (name) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + name + '/'));
    const { observability } = require('./src/runtime/observability.ts');
    const atImport = loaded('aws-xray-sdk-core');
    const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
    const obs = observability('probe');
    const client = obs.tracer.captureAWSv3Client(new DynamoDBClient({ region: 'eu-west-1' }));
    process.stdout.write(JSON.stringify({
      atImport,
      enabled: obs.tracer.enabled,
      tracerLoaded: loaded('@aws-lambda-powertools/tracer'),
      xrayLoaded: loaded('aws-xray-sdk-core'),
      instrumented: client.middlewareStack.identify().some((m) => m.startsWith('XRaySDKInstrumentation')),
    }));`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of KEYS) delete childEnv[key];
  return JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      env: { ...childEnv, ...env },
      encoding: 'utf8',
    }),
  ) as {
    atImport: boolean;
    enabled: boolean;
    tracerLoaded: boolean;
    xrayLoaded: boolean;
    instrumented: boolean;
  };
}

describe('tracer loading', () => {
  it('outside Lambda: neither the tracer nor the X-Ray SDK is loaded, clients are not instrumented', () => {
    expect(probe({})).toEqual({
      atImport: false,
      enabled: false,
      tracerLoaded: false,
      xrayLoaded: false,
      instrumented: false,
    });
  });

  it('in Lambda: the tracer is loaded with the module (init phase) and instruments the clients', () => {
    expect(probe({ AWS_EXECUTION_ENV: LAMBDA })).toEqual({
      atImport: true,
      enabled: true,
      tracerLoaded: true,
      xrayLoaded: true,
      instrumented: true,
    });
  });

  it('in Lambda with POWERTOOLS_TRACE_ENABLED=false: not loaded', () => {
    expect(probe({ AWS_EXECUTION_ENV: LAMBDA, POWERTOOLS_TRACE_ENABLED: 'false' })).toMatchObject({
      tracerLoaded: false,
      instrumented: false,
    });
  });
});

describe('tracingEnabled', () => {
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  afterEach(() => {
    for (const key of KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  // Same decision as Powertools' own Tracer in every environment that matters, so traces are emitted
  // exactly where they were before the tracer became lazy.
  const cases: Partial<Record<(typeof KEYS)[number], string>>[] = [
    {},
    { AWS_EXECUTION_ENV: LAMBDA },
    { AWS_EXECUTION_ENV: LAMBDA, POWERTOOLS_TRACE_ENABLED: 'true' },
    { AWS_EXECUTION_ENV: LAMBDA, POWERTOOLS_TRACE_ENABLED: 'false' },
    { AWS_EXECUTION_ENV: LAMBDA, POWERTOOLS_TRACE_ENABLED: 'FALSE' },
    { AWS_EXECUTION_ENV: LAMBDA, AWS_SAM_LOCAL: 'true' },
    { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' },
    { POWERTOOLS_TRACE_ENABLED: 'true' },
  ];
  it.each(cases)('agrees with Powertools for %o', (env) => {
    for (const key of KEYS) delete process.env[key];
    Object.assign(process.env, env);
    const powertools = new Tracer({ serviceName: 'probe', captureHTTPsRequests: false }).isTracingEnabled();
    expect(tracingEnabled(process.env)).toBe(powertools);
  });
});
