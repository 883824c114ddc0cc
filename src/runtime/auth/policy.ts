import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { HEALTH_DEEP_PATH, type TenantContext } from '../contract';

/**
 * `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<method>/<path>` → `.../<api>/<stage>/*`.
 * API Gateway caches the policy per token and applies it to every later request with that token, so an
 * Allow must cover the whole API (the API checks roles per route); a policy for only the first method ARN
 * would make later calls to other routes fail with 403 until the cache entry expires.
 */
export function apiWildcardArn(methodArn: string): string {
  // The first segment already ends in the API id: `arn:aws:execute-api:<region>:<account>:<api>`.
  const [apiArn, stage] = methodArn.split('/');
  if (!apiArn || !stage) return methodArn;
  return `${apiArn}/${stage}/*`;
}

/** `.../<api>/<stage>/*` → `.../<api>/<stage>/GET/health/deep`: the one method the health client may call. */
export function healthCheckArn(methodArn: string): string {
  return apiWildcardArn(methodArn).replace(/\/\*$/, `/GET${HEALTH_DEEP_PATH}`);
}

/**
 * Allow for the whole API (the API checks roles per route); for the health client, only the deep health
 * method, so its token is useless on every other route even before the API's own check.
 */
export function allowPolicy(
  context: TenantContext,
  methodArn: string,
  scope: 'api' | 'health' = 'api',
): APIGatewayAuthorizerResult {
  const resource = scope === 'health' ? healthCheckArn(methodArn) : apiWildcardArn(methodArn);
  return {
    principalId: context.userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
    },
    context: { ...context },
  };
}

export function denyPolicy(principalId: string, methodArn: string): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: apiWildcardArn(methodArn) }],
    },
  };
}
