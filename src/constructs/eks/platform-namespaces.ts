/**
 * Namespaces the platform itself uses: a team namespace of the same name would take it over. EksPlatform
 * refuses such a team, DruidCluster such a namespace, and the config's rules refuse both at validate, all
 * through `isPlatformNamespace`.
 */
export const PLATFORM_NAMESPACES: readonly string[] = [
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'cert-manager',
  'external-dns',
  'external-secrets',
  'monitoring',
];

/** Whether `name` is the platform's: one of `PLATFORM_NAMESPACES`, or Kubernetes' own (kube-*). */
export function isPlatformNamespace(name: string): boolean {
  return PLATFORM_NAMESPACES.includes(name) || name.startsWith('kube-');
}
