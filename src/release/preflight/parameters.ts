import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type CheckRow, describeError, row } from '../check-rows';
import type { Requirements } from './requirements';

/**
 * The public SSM parameters a deploy resolves exist in the region: Karpenter's `bottlerocket@<version>`
 * alias (one `image_id` per architecture the node pools launch; Karpenter fails the EC2NodeClass when none
 * resolves) and the `{{resolve:ssm:/aws/service/...}}` references of the templates (the system node group's
 * Bottlerocket release), which fail the stack when missing.
 */
export async function checkParameters(req: Requirements): Promise<CheckRow[]> {
  if (req.parameters.length === 0) return [];
  const ssm = new SSMClient({ region: req.region });
  try {
    return await Promise.all(
      req.parameters.map(async (p): Promise<CheckRow> => {
        const check = /bottlerocket/.test(p.name) ? 'bottlerocket ami' : 'ssm parameter';
        try {
          const out = await ssm.send(new GetParameterCommand({ Name: p.name }));
          return row(check, 'pass', `${p.purpose}: ${p.name} = ${out.Parameter?.Value ?? '(empty)'}`);
        } catch (err) {
          if ((err as Error).name === 'ParameterNotFound') {
            return row(
              check,
              'fail',
              `${p.purpose}: ${p.name} does not exist in ${req.region} (no such release for this Kubernetes version and architecture: change the pin in src/versions.ts)`,
            );
          }
          return row(check, 'warn', `${p.purpose}: could not read ${p.name}: ${describeError(err)}`);
        }
      }),
    );
  } finally {
    ssm.destroy();
  }
}
