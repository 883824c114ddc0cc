import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Powertools instances per function. Service name and namespace come from POWERTOOLS_SERVICE_NAME /
 * POWERTOOLS_METRICS_NAMESPACE when set; the tracer only records inside Lambda (it is a no-op locally).
 */
export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

export function observability(
  serviceName: string,
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT',
): Observability {
  return {
    logger: new Logger({ serviceName, ...(logLevel ? { logLevel } : {}) }),
    metrics: new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Fastish' }),
    tracer: new Tracer({ serviceName }),
  };
}
