import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { TenantContext } from '../contract';

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

export function allowPolicy(context: TenantContext, methodArn: string): APIGatewayAuthorizerResult {
  return {
    principalId: context.userId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: apiWildcardArn(methodArn) }],
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
