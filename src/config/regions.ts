import { RegionInfo } from 'aws-cdk-lib/region-info';

/** Every region aws-cdk-lib knows of; the list ships with the library, so synth needs no lookup. */
export const KNOWN_REGIONS: readonly string[] = RegionInfo.regions.map((r) => r.name).sort();

/** Partitions whose regions Fastish supports (the isolated partitions lack most services we use). */
const SUPPORTED_PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov']);

export function isKnownRegion(region: string): boolean {
  return KNOWN_REGIONS.includes(region) && SUPPORTED_PARTITIONS.has(RegionInfo.get(region).partition ?? '');
}

export function supportedRegions(): string[] {
  return KNOWN_REGIONS.filter(isKnownRegion);
}

/**
 * Services an architecture needs that are not offered in every region.
 * Sources: the AWS regional services list for each service (checked 2026-11).
 * A region missing here for a service means "not offered"; the check runs at validation,
 * so a user learns it before a deploy fails.
 */
export type RegionalService =
  | 'msk-serverless'
  | 'amplify-hosting'
  | 'eks-pod-identity'
  | 'cognito-threat-protection';

const COMMERCIAL_CORE = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
  'me-south-1',
  'af-south-1',
  'ap-east-1',
];

const SERVICE_REGIONS: Record<RegionalService, readonly string[]> = {
  'msk-serverless': [
    'us-east-1',
    'us-east-2',
    'us-west-2',
    'ca-central-1',
    'eu-central-1',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'eu-north-1',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-south-1',
    'ap-southeast-1',
    'ap-southeast-2',
    'sa-east-1',
  ],
  'amplify-hosting': [
    ...COMMERCIAL_CORE,
    'eu-central-2',
    'eu-south-2',
    'ap-south-2',
    'ap-southeast-3',
    'il-central-1',
    'me-central-1',
  ],
  'eks-pod-identity': [
    ...COMMERCIAL_CORE,
    'ca-west-1',
    'eu-central-2',
    'eu-south-2',
    'ap-south-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-7',
    'il-central-1',
    'me-central-1',
    'mx-central-1',
    'us-gov-east-1',
    'us-gov-west-1',
    'cn-north-1',
    'cn-northwest-1',
  ],
  'cognito-threat-protection': COMMERCIAL_CORE,
};

export function regionOffers(region: string, service: RegionalService): boolean {
  return SERVICE_REGIONS[service].includes(region);
}

export function regionsOffering(service: RegionalService): readonly string[] {
  return SERVICE_REGIONS[service];
}

/** Availability zone names are the region name plus one of the region's zone letters (`zones.ts`). */
export function zoneBelongsToRegion(zone: string, region: string): boolean {
  return zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone);
}
