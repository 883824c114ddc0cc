import { z } from 'zod';

/** Settings of the delivery pipeline (`release`). Absent = no pipeline stack. */
export const releaseSettings = z.strictObject({
  pipelineEnvironment: z
    .string()
    .meta({ description: 'Environment (name) whose account and region host the pipeline' }),
  connectionArn: z
    .string()
    .regex(
      /^arn:aws(-cn|-us-gov)?:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
      {
        message: 'is not a CodeStar/CodeConnections connection ARN',
      },
    )
    .meta({ description: 'CodeConnections (CodeStar) connection ARN to the source repository' }),
  repository: z
    .string()
    .regex(/^[\w.-]+\/[\w.-]+$/, { message: 'must be "owner/name"' })
    .meta({ description: 'Source repository as owner/name' }),
  branch: z.string().min(1).default('main').meta({ description: 'Branch the pipeline releases' }),
  configPath: z
    .string()
    .min(1)
    .default('fastish.yaml')
    .meta({ description: 'Config file path in the repository that the pipeline checks and synthesizes' }),
  healthChecks: z
    .boolean()
    .default(true)
    .meta({ description: 'Run post-deploy health checks (API /health) after each environment' }),
  notificationEmails: z
    .array(z.email({ message: 'is not an email address' }))
    .default([])
    .meta({ description: 'Addresses subscribed to pipeline failure notifications' }),
});

export type ReleaseSettings = z.infer<typeof releaseSettings>;
