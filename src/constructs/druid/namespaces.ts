import { isPlatformNamespace, PLATFORM_NAMESPACES } from '../eks/platform-namespaces';

/** The druid-operator's namespace: its Helm release's, which the chart creates. */
export const DRUID_OPERATOR_NAMESPACE = 'druid-operator';

/**
 * Why `namespace` cannot hold the Druid cluster, or undefined when it can. The Druid stack creates and
 * owns its namespace — deleting the stack deletes it, with everything in it — so it must not be one the
 * platform (EksPlatform's add-ons, Kubernetes itself) or the druid-operator already uses.
 */
export function druidNamespaceConflict(namespace: string): string | undefined {
  if (isPlatformNamespace(namespace))
    return `is a namespace the platform uses (${PLATFORM_NAMESPACES.join(', ')}, kube-*)`;
  if (namespace === DRUID_OPERATOR_NAMESPACE) return "is the druid-operator's namespace";
  return undefined;
}
