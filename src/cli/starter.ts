/**
 * The starter config `fastish init` writes: every required field, commented, valid as written
 * (a test validates it). `schemaPath` is the JSON Schema path relative to the file, for editors.
 */
export function starterConfig(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# Fastish platform configuration. Reference: docs/configuration.md
# Check it with \`fastish validate\`, build it offline with \`fastish synth\`, gate it with \`fastish check\`.

organization:
  # Lowercase letters, digits and hyphens (1-12): it prefixes every stack and physical name.
  name: example
  domain: example.com
  # Team that owns the bootstrap and release stacks; must be one of \`teams\`.
  platformTeam: platform

teams:
  platform:
    # Tagged as fastish:cost-center on everything the team owns.
    costCenter: CC-0001
    # IAM users or roles and their level in the team (admin, developer, read-only).
    # Each level gets one role per environment that only these principals may assume.
    contributors:
      - principal: arn:aws:iam::123456789012:role/PlatformAdmins
        role: admin

# Settings every environment shares; \`environments.<env>.overrides\` deep-merges on top.
defaults:
  logRetentionDays: 365

# Extra tags on every resource (the fastish:* tags are always set).
tags: {}

# Environments in promotion order.
environments:
  dev:
    # Quote account ids so YAML keeps leading zeros.
    account: "123456789012"
    region: eu-west-1
    # Explicit zones: synth never asks AWS.
    availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
    approval: none
    # Architectures to deploy besides the bootstrap stack: webapp, eks, druid (druid needs eks).
    architectures: []
    overrides:
      logRetentionDays: 30
`;
}
