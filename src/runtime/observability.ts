import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
// Type-only: the tracer (and the X-Ray SDK under it, whose async hook slows every promise) is loaded only
// when it would trace.
import type { Tracer } from '@aws-lambda-powertools/tracer';

/** What the functions use of the tracer: instrumenting AWS SDK v3 clients. */
export interface ClientTracer {
  /** Whether calls are traced (false: clients are returned as they are). */
  readonly enabled: boolean;
  captureAWSv3Client<T>(client: T): T;
}

/**
 * Powertools instances per function. Service name and namespace come from POWERTOOLS_SERVICE_NAME /
 * POWERTOOLS_METRICS_NAMESPACE when set; the tracer only records inside Lambda (it is a no-op locally).
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: ClientTracer;
}

/**
 * Whether Powertools' Tracer would be enabled in this environment (its own rule, Tracer.setTracingEnabled):
 * not when POWERTOOLS_TRACE_ENABLED is "false", outside Lambda (no AWS_EXECUTION_ENV), under SAM local
 * (AWS_SAM_LOCAL) or the Amplify mock. In Lambda it is on, and X-Ray records what the function's active
 * tracing samples.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() === 'false') return false;
  const executionEnv = env.AWS_EXECUTION_ENV ?? '';
  if (executionEnv === '' || executionEnv === 'AWS_Lambda_amplify-mock') return false;
  return (env.AWS_SAM_LOCAL ?? '') === '';
}

type TracerModule = typeof import('@aws-lambda-powertools/tracer');
// Synchronous on purpose: the Tracer patches http(s) and fetch when constructed, before any call is made.
const loadTracer = () => require('@aws-lambda-powertools/tracer') as TracerModule;

/**
 * Loaded with this module where it will trace, as the static import did: in Lambda the X-Ray SDK is still
 * evaluated in the init phase, not in the first invocation.
 */
let tracerModule: TracerModule | undefined = tracingEnabled() ? loadTracer() : undefined;

const untraced: ClientTracer = { enabled: false, captureAWSv3Client: (client) => client };

function clientTracer(serviceName: string): ClientTracer {
  if (!tracingEnabled()) return untraced;
  tracerModule ??= loadTracer();
  const tracer: Tracer = new tracerModule.Tracer({ serviceName });
  return {
    enabled: tracer.isTracingEnabled(),
    captureAWSv3Client: (client) => tracer.captureAWSv3Client(client),
  };
}

export function observability(
  serviceName: string,
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
): Observability {
  return {
    logger: new Logger({ serviceName, ...(logLevel ? { logLevel } : {}) }),
    metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Fastish' }),
    tracer: clientTracer(serviceName),
  };
}
