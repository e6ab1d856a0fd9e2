import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface FrontDoorFirewallProps {
  /** Prefix of the web ACL's name and its metrics. */
  readonly name: string;
  /** The REST API stage to protect. */
  readonly stageArn: string;
  /**
   * `path -> limit` per IP and 5 minutes: each path matched after URL-decoding, path
   * normalisation and lower-casing, with or without a trailing slash and a stage prefix.
   */
  readonly ratePerIp: ReadonlyArray<{ readonly id: string; readonly path: string; readonly limit: number }>;
  /** Requests with a larger body are blocked here, before any function runs. */
  readonly maxBodyBytes: number;
  readonly logRetention: logs.RetentionDays;
  readonly logKey: kms.IKey;
}

/** AWS managed rule groups offered in the China regions (Bot Control at its common level only). */
const MANAGED_GROUPS = [
  // Its 8 KB body rule would refuse our 16 KB bodies: counted here, our own size rule decides.
  { name: 'AWSManagedRulesCommonRuleSet', count: ['SizeRestrictions_BODY'] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', count: [] },
  { name: 'AWSManagedRulesAmazonIpReputationList', count: [] },
  { name: 'AWSManagedRulesSQLiRuleSet', count: [] },
  // Browsers only (scoped down below): its non-browser signals would block every native app,
  // mini-program and hospital server, which are most of our legitimate callers.
  {
    name: 'AWSManagedRulesBotControlRuleSet',
    count: [],
    config: { inspectionLevel: 'COMMON' },
    browsersOnly: true,
  },
] as const;

/** How WAF is told to see a path as API Gateway routes it (one decode, dot segments, any case). */
export const PATH_TRANSFORMATIONS = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
] as const;

/**
 * The regular expression a rate rule matches a route's path with: an optional stage prefix
 * (`/prod` on the execute-api endpoint), the path lower-cased, an optional trailing slash.
 */
export function ratePathPattern(path: string): string {
  const literal = path.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^(/[a-z0-9_-]+)?${literal}/?$`;
}

/**
 * Requests a browser makes: fetches carry `Sec-Fetch-Mode` (every current engine) or `Origin`
 * (POST and cross-origin). Native apps, mini-programs and servers send neither, so Bot Control's
 * browser signals are only weighed where a browser is claimed.
 */
export const BROWSER_REQUEST: wafv2.CfnWebACL.StatementProperty = {
  orStatement: {
    statements: ['sec-fetch-mode', 'origin'].map((name) => ({
      sizeConstraintStatement: {
        fieldToMatch: { singleHeader: { Name: name } },
        comparisonOperator: 'GT',
        size: 0,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    })),
  },
};

/**
 * The REST API's web ACL (WAFv2, REGIONAL: the only scope in the China regions): AWS managed rule
 * groups, per-IP rate limits on the routes that send SMS, check codes and identities or issue
 * hospital tokens, a body-size rule, logging of the requests a rule blocked or counted to an
 * encrypted `aws-waf-logs-` group (Authorization, Cookie and the query string redacted), and the
 * blocked-requests metric for an alarm.
 */
export class FrontDoorFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly blockedRequests: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: FrontDoorFirewallProps) {
    super(scope, id);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    let priority = 0;
    const managed = MANAGED_GROUPS.map(
      (group): wafv2.CfnWebACL.RuleProperty => ({
        name: group.name,
        priority: priority++,
        overrideAction: { none: {} },
        statement: {
          managedRuleGroupStatement: {
            vendorName: 'AWS',
            name: group.name,
            ...(group.count.length > 0
              ? { ruleActionOverrides: group.count.map((name) => ({ name, actionToUse: { count: {} } })) }
              : {}),
            ...('config' in group
              ? {
                  managedRuleGroupConfigs: [
                    { awsManagedRulesBotControlRuleSet: { inspectionLevel: group.config.inspectionLevel } },
                  ],
                }
              : {}),
            ...('browsersOnly' in group ? { scopeDownStatement: BROWSER_REQUEST } : {}),
          },
        },
        visibilityConfig: visibility(`${props.name}-${group.name}`),
      }),
    );
    const bodySize: wafv2.CfnWebACL.RuleProperty = {
      name: 'BodyTooLarge',
      priority: priority++,
      action: { block: {} },
      statement: {
        sizeConstraintStatement: {
          fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
          comparisonOperator: 'GT',
          size: props.maxBodyBytes,
          textTransformations: [{ priority: 0, type: 'NONE' }],
        },
      },
      visibilityConfig: visibility(`${props.name}-BodyTooLarge`),
    };
    const rates = props.ratePerIp.map(
      (rule): wafv2.CfnWebACL.RuleProperty => ({
        name: `Rate-${rule.id}`,
        priority: priority++,
        action: { block: {} },
        statement: {
          rateBasedStatement: {
            limit: rule.limit,
            evaluationWindowSec: 300,
            aggregateKeyType: 'IP',
            scopeDownStatement: {
              regexMatchStatement: {
                fieldToMatch: { uriPath: {} },
                regexString: ratePathPattern(rule.path),
                textTransformations: [...PATH_TRANSFORMATIONS],
              },
            },
          },
        },
        visibilityConfig: visibility(`${props.name}-Rate-${rule.id}`),
      }),
    );
    const webAclName = `${props.name}-web-acl`;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: webAclName,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'patient-onboarding: the REST API front door',
      rules: [...managed, bodySize, ...rates],
      visibilityConfig: visibility(`${props.name}-WebAcl`),
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // WAF only logs to groups named aws-waf-logs-*; tokens and cookies never reach them. The log is
    // the network log the Cybersecurity Law (art. 21) asks be kept six months, and it holds client
    // IPs, which the privacy policy otherwise keeps a month at most: so it keeps only what security
    // needs, the requests a rule blocked or flagged (an attack's source), never an ordinary
    // patient's browsing, and no query string (codes, nonces, return addresses). WAF cannot
    // truncate an IP; the policy map states this basis (docs/privacy-policy-map.md, Retention).
    const logGroupName = `aws-waf-logs-${props.name}`;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      retention: props.logRetention,
      encryptionKey: props.logKey,
      // A first deploy that rolls back takes its fixed-name group with it, so a retry can make it.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The group's ARN without the `:*` CloudFormation's Arn attribute ends with: WAF refuses that form.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { queryString: {} },
      ],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    logging.node.addDependency(logGroup);
    this.blockedRequests = new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: webAclName, Rule: 'ALL', Region: Stack.of(this).region },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }
}
