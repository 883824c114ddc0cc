/**
 * Namespaces the platform itself uses: a team namespace of the same name would take it over. EksPlatform
 * refuses such a team, and the config's rule refuses it at validate, both from this list.
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
