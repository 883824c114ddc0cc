/**
 * The naming a consumer's own CDK app (as `cdk init` creates it: no Fastish config, no platform model)
 * passes to Fastish's constructs in the library suites.
 */
export const CONSUMER_NAMING = {
  organization: 'shop',
  environment: 'stage',
  account: '333333333333',
  region: 'eu-central-1',
  qualifier: 'shopstage1',
};
