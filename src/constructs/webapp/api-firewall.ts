import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallLogging {
  /** Log group name; WAF requires the `aws-waf-logs-` prefix (`Naming.wafLogGroupName`). */
  readonly logGroupName: string;
  /** Key encrypting the log group (its policy must let CloudWatch Logs use it). */
  readonly key: kms.IKey;
  readonly retention: logs.RetentionDays;
}

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
  /**
   * Where the web ACL logs every request it inspects (the Authorization header redacted).
   * @default no request logs (metrics and sampled requests only)
   */
  readonly logging?: ApiFirewallLogging;
}

const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/**
 * Regional WAFv2 web ACL on the API stage: AWS managed rule groups (common, known bad inputs, IP
 * reputation), a per-IP rate-based rule and a body-size rule; every rule emits CloudWatch metrics, and
 * with `logging` every inspected request is logged to an encrypted log group, Authorization redacted.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly association: wafv2.CfnWebACLAssociation;
  readonly logGroup?: logs.LogGroup;

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
    if (props.logging) {
      this.logGroup = new logs.LogGroup(this, 'Logs', {
        logGroupName: props.logging.logGroupName,
        encryptionKey: props.logging.key,
        retention: props.logging.retention,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // WAF takes the log group ARN without the `:*` suffix `LogGroup.logGroupArn` carries.
      const destination = Stack.of(this).formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: props.logging.logGroupName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      const config = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
        resourceArn: this.webAcl.attrArn,
        logDestinationConfigs: [destination],
        // Bearer tokens are credentials: never written to logs.
        redactedFields: [{ singleHeader: { Name: 'authorization' } }],
      });
      config.node.addDependency(this.logGroup);
    }
  }
}
