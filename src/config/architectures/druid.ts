import { z } from 'zod';

/** Settings of Apache Druid on EKS (`druid`). Every field has a default. */
export const druidSettings = z
  .strictObject({
    team: z.string().optional().meta({ description: 'Owning team (default: organization.platformTeam)' }),
    ingestion: z
      .enum(['msk', 'kinesis', 'both'])
      .default('msk')
      .meta({ description: 'Streaming source: MSK Serverless (IAM auth), Kinesis, or both' }),
  })
  .prefault({});

export type DruidSettings = z.infer<typeof druidSettings>;
