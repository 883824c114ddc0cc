/**
 * Every pinned version in Fastish. One place, so an upgrade is one reviewed diff.
 * Architecture-specific pins (Kubernetes, add-ons, charts, Druid) are added below by their stacks.
 */
export const VERSIONS = {
  /** Version the bootstrap stack writes to `/cdk-bootstrap/<qualifier>/version` (CDK's bootstrap template v30 equivalent). */
  bootstrap: 30,
  /** Minimum bootstrap version the synthesizer demands of an environment. */
  minBootstrap: 30,
  /**
   * Apache Druid (`druid` architecture): the Druid image every node runs, the druid-operator chart that
   * reconciles the `Druid` custom resource (datainfrahq/druid-operator, CRD `druids.druid.apache.org/v1alpha1`),
   * and the curl image of the Job that applies supervisor specs, rules and compaction configs.
   */
  druid: {
    image: 'apache/druid:33.0.0',
    /** Aurora PostgreSQL engine of the metadata store. */
    metadataEngine: '17.5',
    operatorChart: {
      repository: 'https://charts.datainfra.io',
      chart: 'druid-operator',
      version: '0.3.9',
    },
    /** curl-capable image for the Job that posts specs/rules to the coordinator (inside the VPC). */
    curlImage: 'curlimages/curl:8.11.1',
  },
} as const;
