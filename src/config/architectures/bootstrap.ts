import { z } from 'zod';
import { accountId } from '../primitives';

/** Settings of the per-environment bootstrap ("synthesizer") stack. Every field has a default. */
export const bootstrapSettings = z
  .strictObject({
    qualifier: z
      .string()
      .regex(/^[a-z0-9]{1,10}$/, {
        message: 'must be 1-10 lowercase letters or digits (a CDK bootstrap qualifier)',
      })
      .optional()
      .meta({
        description: 'CDK bootstrap qualifier (default: derived from organization and environment names)',
      }),
    trustedAccounts: z
      .array(accountId)
      .max(20, {
        message:
          'takes at most 20 accounts (the deployment roles trust each in a 2,048-character IAM trust policy)',
      })
      .default([])
      .meta({
        description:
          'Accounts (e.g. the pipeline account) that may assume the deployment roles, and the handshake role with its ExternalId',
      }),
    handshakeExternalId: z
      .string()
      .regex(/^[\w+=,.@:/-]{2,1224}$/, { message: 'must be 2-1224 characters of [A-Za-z0-9+=,.@:/-_]' })
      .optional()
      .meta({ description: 'ExternalId the handshake role demands (default: <org>-<env>-deploy)' }),
  })
  .prefault({});

export type BootstrapSettings = z.infer<typeof bootstrapSettings>;
