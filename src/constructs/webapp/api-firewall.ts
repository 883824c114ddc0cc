import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  /** Web ACL name (from `Naming.name('wafWebAcl', …)`). */
  readonly name: string;
  /** ARN of the API Gateway stage the web ACL protects. */
  readonly stageArn: string;
  /** Requests per client IP per 5 minutes before the rate-based rule blocks. */
  readonly rateLimitPer5Minutes: number;
  /**
   * Largest request body in bytes. The managed CommonRuleSet's own body-size rule (8 KB) is set to count
   * and this limit blocks instead, so the API's documented body limit is the one enforced.
   * @default 65536
   */
  readonly maxBodyBytes?: number;
}

const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/**
 * Regional WAFv2 web ACL on the API stage: AWS managed rule groups (common, known bad inputs, IP
 * reputation), a per-IP rate-based rule and a body-size rule; every rule emits CloudWatch metrics.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly association: wafv2.CfnWebACLAssociation;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const maxBody = props.maxBodyBytes ?? 65_536;
    const rules: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((group, priority) => ({
      name: group,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: group,
          ...(group === 'AWSManagedRulesCommonRuleSet'
            ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
            : {}),
        },
      },
      visibilityConfig: visibility(group),
    }));
    rules.push({
      name: 'RatePerIp',
      priority: rules.length,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP' } },
      visibilityConfig: visibility('RatePerIp'),
    });
    rules.push({
      name: 'BodyTooLarge',
      priority: rules.length,
      action: { block: {} },
      statement: {
        sizeConstraintStatement: {
          fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
          comparisonOperator: 'GT',
          size: maxBody,
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      },
      visibilityConfig: visibility('BodyTooLarge'),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Fastish API: managed rules, per-IP rate limit, body size limit',
      visibilityConfig: visibility(props.name),
      // Inspect up to 64 KB of bodies (API Gateway's default is 16 KB), matching the body-size rule.
      associationConfig: { requestBody: { API_GATEWAY: { defaultSizeInspectionLimit: 'KB_64' } } },
      rules,
    });
    this.association = new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
