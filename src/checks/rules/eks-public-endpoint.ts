import { isTrue, propertyAt } from '../template-values';
import { resourceRule } from '../types';

/** CIDRs that admit every IPv4 address. */
const ANYWHERE = new Set(['0.0.0.0/0']);

/**
 * FST-NET1: an EKS cluster's public API endpoint is not open to the whole internet. EKS opens a public
 * endpoint to 0.0.0.0/0 when `PublicAccessCidrs` is absent, so both the explicit and the implicit form are
 * findings; a cluster that must be reachable from anywhere acknowledges FST-NET1 with its reason.
 */
export const eksPublicEndpoint = resourceRule({
  id: 'FST-NET1',
  name: 'eks-public-endpoint',
  description:
    'An EKS cluster with a public API endpoint restricts it to named CIDRs (no 0.0.0.0/0, which is also what an absent PublicAccessCidrs means).',
  test(resource) {
    if (resource.Type !== 'AWS::EKS::Cluster') return [];
    const p = resource.Properties ?? {};
    if (!isTrue(propertyAt(p, ['ResourcesVpcConfig', 'EndpointPublicAccess']))) return [];
    const cidrs = propertyAt(p, ['ResourcesVpcConfig', 'PublicAccessCidrs']);
    if (cidrs === undefined)
      return ['the public API endpoint has no PublicAccessCidrs, so EKS opens it to 0.0.0.0/0'];
    if (Array.isArray(cidrs) && cidrs.some((c) => typeof c === 'string' && ANYWHERE.has(c)))
      return [
        'the public API endpoint is open to 0.0.0.0/0; list the networks that administer the cluster (eks.publicEndpointCidrs)',
      ];
    return [];
  },
});
