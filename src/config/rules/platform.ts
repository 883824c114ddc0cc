import { ARCHITECTURES } from '../architectures';
import type { ConfigIssue } from '../errors';
import type { EnvironmentModel } from '../model';
import type { RawConfig } from '../schema';
import { teamNamespaceIssues } from './eks';

/**
 * Construct ids an environment's name must not take: the app holds a stage per environment beside the
 * release pipeline stack (`release`), and each stage holds these stacks (`<org>-<env>-<id>`).
 */
export const RESERVED_ENVIRONMENT_NAMES: readonly string[] = [
  'release',
  'bootstrap',
  'teams',
  ...ARCHITECTURES,
];

/** Words Cognito refuses in a hosted-UI domain prefix (`<org>-<env>-auth-<account>`). */
const COGNITO_RESERVED_WORDS = ['aws', 'amazon', 'cognito'];

/** Rules across environments and teams that no single environment's settings decide. */
export function checkPlatformRules(raw: RawConfig, environments: readonly EnvironmentModel[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const name of Object.keys(raw.environments)) {
    if (RESERVED_ENVIRONMENT_NAMES.includes(name))
      out.push({
        path: `environments.${name}`,
        value: name,
        message: `is reserved (${RESERVED_ENVIRONMENT_NAMES.join(', ')} are the app's and each environment's own construct ids); rename the environment`,
      });
  }
  const withEks = environments.filter((e) => e.architectures.includes('eks'));
  if (withEks.length > 0) {
    const druidNamespaces = withEks
      .filter((e) => e.architectures.includes('druid'))
      .map((e) => e.settings.druid.namespace);
    for (const ns of new Set([undefined, ...druidNamespaces]))
      out.push(...teamNamespaceIssues(Object.keys(raw.teams), ns));
  }
  for (const env of environments) {
    if (!env.architectures.includes('webapp')) continue;
    for (const word of COGNITO_RESERVED_WORDS) {
      const where = raw.organization.name.includes(word)
        ? { path: 'organization.name', value: raw.organization.name }
        : env.name.includes(word)
          ? { path: `environments.${env.name}`, value: env.name }
          : undefined;
      if (where)
        out.push({
          ...where,
          message: `contains "${word}", which Cognito refuses in the sign-in domain prefix the webapp derives (<org>-<env>-auth-<account>)`,
        });
    }
  }
  return out;
}
