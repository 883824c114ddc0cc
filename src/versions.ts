/**
 * Every pinned version in Fastish. One place, so an upgrade is one reviewed diff.
 * Architecture-specific pins (Kubernetes, add-ons, charts, Druid) are added below by their stacks.
 */
export const VERSIONS = {
  /** Version the bootstrap stack writes to `/cdk-bootstrap/<qualifier>/version` (CDK's bootstrap template v30 equivalent). */
  bootstrap: 30,
  /** Minimum bootstrap version the synthesizer demands of an environment. */
  minBootstrap: 30,
} as const;
