/**
 * Availability-zone letters per region: the letters an account can see there (`<region><letter>`).
 *
 * Source: the AWS documentation, "AWS Availability Zones" (global-infrastructure/latest/regions/
 * aws-availability-zones.html: the AZ IDs of each region) and "AZ IDs" (az-ids.html: which regions map
 * zone letters per account); the older regions cross-checked against the `aws-regions`
 * npm package (2.3.1, regions.json). In regions that map zones per account (us-east-1, us-west-1,
 * us-west-2, ap-northeast-1, ...) an account sees a subset of these letters, so a letter listed here can
 * still be absent from one account (ap-northeast-1b, ca-central-1c: older accounts only); a letter not listed
 * here exists in no account. `test/config/zones.test.ts` fails when aws-cdk-lib knows a
 * supported region that has no entry here.
 */
export const ZONE_LETTERS: Readonly<Record<string, string>> = {
  'us-east-1': 'abcdef',
  'us-east-2': 'abc',
  'us-west-1': 'abc',
  'us-west-2': 'abcd',
  'ca-central-1': 'abcd',
  'ca-west-1': 'abc',
  'mx-central-1': 'abc',
  'sa-east-1': 'abc',
  'eu-central-1': 'abc',
  'eu-central-2': 'abc',
  'eu-west-1': 'abc',
  'eu-west-2': 'abc',
  'eu-west-3': 'abc',
  'eu-south-1': 'abc',
  'eu-south-2': 'abc',
  'eu-north-1': 'abc',
  'il-central-1': 'abc',
  'me-central-1': 'abc',
  'me-south-1': 'abc',
  'me-west-1': 'abc',
  'af-south-1': 'abc',
  'ap-east-1': 'abc',
  'ap-east-2': 'abc',
  'ap-south-1': 'abc',
  'ap-south-2': 'abc',
  'ap-northeast-1': 'abcd',
  'ap-northeast-2': 'abcd',
  'ap-northeast-3': 'abc',
  'ap-southeast-1': 'abc',
  'ap-southeast-2': 'abc',
  'ap-southeast-3': 'abc',
  'ap-southeast-4': 'abc',
  'ap-southeast-5': 'abc',
  'ap-southeast-6': 'abc',
  'ap-southeast-7': 'abc',
  'us-gov-east-1': 'abc',
  'us-gov-west-1': 'abc',
  'cn-north-1': 'abcd',
  'cn-northwest-1': 'abc',
};

/** Zone names of a region (every AWS region has at least three zones: a-c when it is not listed). */
export function zonesOf(region: string): string[] {
  return [...(ZONE_LETTERS[region] ?? 'abc')].map((letter) => `${region}${letter}`);
}
