import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { HttpExchange } from '../health';

/** The network boundary of health checks (faked in tests). */
export interface HealthProbes {
  /** One HTTP(S) exchange: status and body, or throws when nothing answers. */
  readonly http: HttpExchange;
  /**
   * The health app client's secret, read with the deploying credentials (`DescribeUserPoolClient`): the
   * secret is never stored anywhere else.
   */
  healthClientSecret(target: { region: string; userPoolId: string; clientId: string }): Promise<string>;
}

export const networkProbes: HealthProbes = {
  async http(request, timeoutMs) {
    const res = await fetch(request.url, {
      method: request.method,
      ...(request.headers ? { headers: { ...request.headers } } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    return { status: res.status, body: await res.text() };
  },
  async healthClientSecret({ region, userPoolId, clientId }) {
    const client = new CognitoIdentityProviderClient({ region });
    try {
      const out = await client.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
      const secret = out.UserPoolClient?.ClientSecret;
      if (!secret) throw new Error(`app client ${clientId} has no secret`);
      return secret;
    } finally {
      client.destroy();
    }
  },
};
