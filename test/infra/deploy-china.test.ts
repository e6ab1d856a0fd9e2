import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { stages } from '../../functions/core/config';
import { routeList, streamWorkers } from '../../functions/system/route-table';
import { functionNames, quotaNeeded } from '../../lib/concurrency';
import { viaService, withBothSpellings } from '../../lib/via-service';
import { ratePathPattern } from '../../lib/waf';
import { synthViolations, testApp } from '../helpers/cdk';

const certificate = (n: number) =>
  `arn:aws-cn:acm:cn-north-1:123456789012:certificate/12345678-1234-1234-1234-12345678901${n}`;
const withDomains = {
  apiDomain: 'api.example-hospital.cn',
  apiCertificateArn: certificate(1),
  hospitalDomain: 'his.example-hospital.cn',
  hospitalCertificateArn: certificate(2),
  hospitalTruststoreUri: 's3://po-truststore/his/truststore.pem',
  hospitalCidrs: '203.0.113.0/24, 198.51.100.7/32',
  accountConcurrency: 1500,
};

// biome-ignore lint/suspicious/noExplicitAny: template fragments, asserted field by field
type Json = Record<string, any>;

/** Every `kms:ViaService` condition value in a template, wherever it appears. */
function viaServiceValues(template: unknown): unknown[] {
  const found: unknown[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) k === 'kms:ViaService' ? found.push(v) : walk(v);
  };
  walk(template);
  return found;
}

describe('the front door in the China regions', () => {
  const built = buildApp(testApp());
  const api = Template.fromStack(built.api);

  it('puts a REGIONAL WAF web ACL on the stage with the managed groups China offers and Bot Control at its common level', () => {
    const acl = Object.values(api.findResources('AWS::WAFv2::WebACL'))[0];
    expect(acl?.Properties.Scope).toBe('REGIONAL');
    expect(acl?.Properties.DefaultAction).toEqual({ Allow: {} });
    const managed = ((acl?.Properties.Rules as Json[] | undefined) ?? [])
      .filter((r) => r.Statement.ManagedRuleGroupStatement)
      .map((r) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((m) => m.Name)).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesSQLiRuleSet',
      'AWSManagedRulesBotControlRuleSet',
    ]);
    expect(managed.at(-1)?.ManagedRuleGroupConfigs).toEqual([
      { AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'COMMON' } },
    ]);
    const association = Object.values(api.findResources('AWS::WAFv2::WebACLAssociation'))[0];
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain('/stages/');
    expect(association?.Properties.WebACLArn['Fn::GetAtt'][1]).toBe('Arn');
  });

  it('limits each costly route per IP over 5 minutes, matched on its normalised path, and blocks oversized bodies', () => {
    const acl = Object.values(api.findResources('AWS::WAFv2::WebACL'))[0];
    const rules = acl?.Properties.Rules as Json[];
    const rates = rules.filter((r) => r.Statement.RateBasedStatement);
    const byPath = Object.fromEntries(
      rates.map((r) => {
        const match = r.Statement.RateBasedStatement.ScopeDownStatement.RegexMatchStatement;
        expect(match.TextTransformations.map((t: Json) => t.Type)).toEqual([
          'URL_DECODE',
          'NORMALIZE_PATH',
          'LOWERCASE',
        ]);
        const path = routeList.find((route) => ratePathPattern(route.path) === match.RegexString)?.path;
        return [path, r.Statement.RateBasedStatement.Limit];
      }),
    );
    const pathOf = (id: string) => routeList.find((r) => r.id === id)?.path as string;
    expect(byPath).toEqual({
      // Sized for one shared address in the design rush (npm run capacity).
      [pathOf('sendSms')]: 2000,
      [pathOf('verifySms')]: 2000,
      [pathOf('verifyIdentity')]: 400,
      [pathOf('startLiveness')]: 100,
      [pathOf('hospitalToken')]: 300,
      [pathOf('submitPrivacyRequest')]: 50,
    });
    expect(Object.keys(byPath)).toEqual(
      expect.arrayContaining([
        '/v1/auth/sms/send',
        '/v1/auth/sms/verify',
        '/v1/me/identity/verify',
        '/v1/me/identity/liveness',
        '/v1/hospital/oauth/token',
        '/v1/privacy/requests',
      ]),
    );
    for (const rate of rates) {
      expect(rate.Action).toEqual({ Block: {} });
      expect(rate.Statement.RateBasedStatement).toMatchObject({
        AggregateKeyType: 'IP',
        EvaluationWindowSec: 300,
      });
    }
    const size = rules.find((r) => r.Statement.SizeConstraintStatement)?.Statement.SizeConstraintStatement;
    expect(size).toMatchObject({ ComparisonOperator: 'GT', Size: stages.prod.maxBodyBytes });
    expect(size.FieldToMatch.Body.OversizeHandling).toBe('MATCH');
  });

  it('logs WAF to an encrypted aws-waf-logs- group, tokens and cookies redacted, and alarms on blocked spikes', () => {
    const group = Object.values(api.findResources('AWS::Logs::LogGroup')).find((g) =>
      String(g.Properties.LogGroupName).startsWith('aws-waf-logs-'),
    );
    expect(group?.Properties.KmsKeyId).toBeDefined();
    const logging = Object.values(api.findResources('AWS::WAFv2::LoggingConfiguration'))[0];
    expect(JSON.stringify(logging?.Properties.LogDestinationConfigs)).toContain(':log-group:aws-waf-logs-');
    // WAF refuses the `:*` form CloudFormation's Arn attribute has.
    expect(JSON.stringify(logging?.Properties.LogDestinationConfigs)).not.toContain(':*');
    expect(logging?.Properties.RedactedFields).toEqual([
      { SingleHeader: { Name: 'authorization' } },
      { SingleHeader: { Name: 'cookie' } },
      { QueryString: {} },
    ]);
    const alarm = Object.entries(api.findResources('AWS::CloudWatch::Alarm')).find(([id]) =>
      id.includes('WafBlockedSpike'),
    )?.[1];
    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/WAFV2',
      MetricName: 'BlockedRequests',
      Threshold: stages.prod.waf.blockedRequestsAlarm,
    });
  });

  it('keeps the execute-api endpoint and no custom domain for a test deploy without domain context', () => {
    api.resourceCountIs('AWS::ApiGateway::DomainName', 0);
    const rest = Object.values(api.findResources('AWS::ApiGateway::RestApi'))[0];
    expect(rest?.Properties.DisableExecuteApiEndpoint ?? false).toBe(false);
    expect(rest?.Properties.Policy).toBeUndefined();
  });

  it('deletes the KmsKeyIdentifier: "" CDK writes on the event archive', () => {
    const archive = Object.values(api.findResources('AWS::Events::Archive'))[0];
    expect(archive?.Properties).not.toHaveProperty('KmsKeyIdentifier');
  });

  it('accepts both kms:ViaService spellings in every condition of every stack, Secrets Manager grants included', () => {
    const templates = [Template.fromStack(built.data).toJSON(), api.toJSON()];
    const values = templates.flatMap(viaServiceValues);
    expect(values.length).toBeGreaterThan(5);
    for (const value of values) {
      expect(Array.isArray(value), JSON.stringify(value)).toBe(true);
      const list = value as string[];
      const services = new Set(list.map((v) => v.replace(/\.amazonaws\.com(\.cn)?$/, '')));
      for (const service of services) {
        expect(list).toEqual(
          expect.arrayContaining([`${service}.amazonaws.com`, `${service}.amazonaws.com.cn`]),
        );
      }
    }
    expect(JSON.stringify(values)).toContain('secretsmanager.cn-north-1.amazonaws.com.cn');
    expect(JSON.stringify(values)).toContain('dynamodb.cn-north-1.amazonaws.com');
  });

  it('widens one spelling into both and leaves other values alone', () => {
    expect(viaService('dynamodb', 'cn-northwest-1')).toEqual([
      'dynamodb.cn-northwest-1.amazonaws.com',
      'dynamodb.cn-northwest-1.amazonaws.com.cn',
    ]);
    expect(
      withBothSpellings({
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.cn-north-1.amazonaws.com', x: 'y' } },
      }),
    ).toEqual({
      Condition: {
        StringEquals: {
          'kms:ViaService': [
            'secretsmanager.cn-north-1.amazonaws.com',
            'secretsmanager.cn-north-1.amazonaws.com.cn',
          ],
          x: 'y',
        },
      },
    });
    expect(withBothSpellings({ 'kms:ViaService': ['a.b.example'] })).toEqual({
      'kms:ViaService': ['a.b.example'],
    });
  });

  it('warms the login path before each slot release with scheduled provisioned concurrency on a live alias', () => {
    // Every function has a `live` alias (rollback moves it); the rush functions' are kept warm.
    const aliases = Object.values(api.findResources('AWS::Lambda::Alias'));
    for (const alias of aliases) expect(alias.Properties.Name).toBe('live');
    const targets = Object.values(api.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
    expect(targets).toHaveLength(stages.prod.rush.functions.length);
    for (const target of targets) {
      expect(target.Properties).toMatchObject({
        ScalableDimension: 'lambda:function:ProvisionedConcurrency',
        ServiceNamespace: 'lambda',
        MinCapacity: 0,
        MaxCapacity: stages.prod.rush.concurrency,
      });
      const actions = target.Properties.ScheduledActions as Json[];
      expect(
        actions
          .map((a) => [a.Schedule, a.ScalableTargetAction.MinCapacity, a.ScalableTargetAction.MaxCapacity])
          .sort(),
      ).toEqual(
        stages.prod.rush.windows
          .flatMap((w) => [
            [w.start, stages.prod.rush.concurrency, stages.prod.rush.concurrency],
            [w.end, 0, 0],
          ])
          .sort(),
      );
    }
    // API Gateway invokes the aliases, so the warm instances are the ones serving the rush.
    const aliasIds = Object.keys(api.findResources('AWS::Lambda::Alias'));
    const integrations = JSON.stringify(Object.values(api.findResources('AWS::ApiGateway::Method')));
    const authorizer = JSON.stringify(Object.values(api.findResources('AWS::ApiGateway::Authorizer')));
    expect(aliasIds.some((id) => integrations.includes(id))).toBe(true);
    expect(aliasIds.some((id) => authorizer.includes(id))).toBe(true);
  });

  it('passes the three cdk-nag packs with domains, mutual TLS and hospital networks configured', () => {
    expect(synthViolations(buildApp(testApp(withDomains)).app)).toEqual([]);
  });
});

describe('with an ICP-filed domain and the hospital integration configured', () => {
  const built = buildApp(testApp(withDomains));
  const api = Template.fromStack(built.api);

  it('serves the public API on its regional TLS 1.2 domain and turns the execute-api endpoint off', () => {
    api.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'api.example-hospital.cn',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      RegionalCertificateArn: certificate(1),
      SecurityPolicy: 'TLS_1_2',
    });
    api.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    api.resourceCountIs('AWS::ApiGateway::BasePathMapping', 2);
  });

  it('puts the hospital integration on its own domain with mutual TLS, and tells its function the name', () => {
    api.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'his.example-hospital.cn',
      MutualTlsAuthentication: { TruststoreUri: withDomains.hospitalTruststoreUri },
      SecurityPolicy: 'TLS_1_2',
    });
    const functions = Object.entries(api.findResources('AWS::Lambda::Function'));
    const withDomain = functions.filter(([, f]) => f.Properties.Environment.Variables.HOSPITAL_DOMAIN);
    expect(withDomain.map(([id]) => id.replace(/Function.*/, ''))).toEqual(['Hospital']);
    expect(withDomain[0]?.[1].Properties.Environment.Variables.HOSPITAL_DOMAIN).toBe(
      'his.example-hospital.cn',
    );
  });

  it('refuses the hospital routes from any network but the configured egress CIDRs (resource policy)', () => {
    const policy = Object.values(api.findResources('AWS::ApiGateway::RestApi'))[0]?.Properties.Policy;
    const deny = policy.Statement.find((s: { Effect: string }) => s.Effect === 'Deny');
    expect(deny.Condition).toEqual({
      NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '198.51.100.7/32'] },
    });
    const hospitalRoutes = routeList.filter((r) => r.group === 'hospital');
    expect(deny.Resource).toHaveLength(hospitalRoutes.length);
    expect(deny.Resource).toEqual(expect.arrayContaining(['execute-api:/*/GET/v1/hospital/patients/*']));
    // Nothing else is denied: the public routes answer everyone.
    expect(JSON.stringify(deny.Resource)).not.toMatch(/\/v1\/(auth|me)\//);
  });
});

describe('deploy context and account limits', () => {
  it('fails synth with a clear message when reserved concurrency + 100 exceeds the account quota', () => {
    expect(() => buildApp(testApp({ accountConcurrency: 50 }))).toThrow(
      /Reserved concurrency sums to \d+ in stage prod; .* needs an account quota of \d+, and accountConcurrency is 50\. Raise the quota in both regions/,
    );
    // The dev stage fits a new account's quota once raised to the usual first step.
    const reserved = (stage: 'dev' | 'prod') => {
      const { app } = buildApp(testApp({ stage }));
      const api = app.node.findAll().find((c) => c.node.id === `PatientOnboarding-${stage}-Api`);
      return Object.values(Template.fromStack(api as never).findResources('AWS::Lambda::Function')).reduce(
        (sum, f) => sum + (f.Properties.ReservedConcurrentExecutions as number),
        0,
      );
    };
    const prod = reserved('prod');
    expect(() => buildApp(testApp({ accountConcurrency: prod + 100 }))).not.toThrow();
    expect(() => buildApp(testApp({ accountConcurrency: prod + 99 }))).toThrow(/Reserved concurrency/);
    expect(reserved('dev') + 100).toBeLessThan(prod + 100);
    // npm run preflight computes the same sum without synthesizing.
    const names = functionNames({
      groups: new Set(routeList.map((r) => r.group)),
      streamWorkerGroups: streamWorkers().map((w) => w.group),
    });
    expect(quotaNeeded(stages.prod, names)).toEqual({ reserved: prod, needed: prod + 100 });
    expect(quotaNeeded(stages.dev, names).reserved).toBe(reserved('dev'));
  });

  it('uses x86_64 in Ningxia and arm64 in Beijing, as the stage config says', () => {
    const ningxia = buildApp(testApp({ region: 'cn-northwest-1' }));
    Template.fromStack(ningxia.api).allResourcesProperties('AWS::Lambda::Function', {
      Architectures: ['x86_64'],
    });
    expect(stages.prod.architectures).toEqual({ 'cn-north-1': 'arm64', 'cn-northwest-1': 'x86_64' });
  });

  it('refuses malformed domain context rather than deploying something else', () => {
    expect(() => buildApp(testApp({ apiDomain: 'api.example-hospital.cn' }))).toThrow(/go together/);
    expect(() =>
      buildApp(
        testApp({
          apiDomain: 'api.example-hospital.cn',
          apiCertificateArn: 'arn:aws:acm:us-east-1:1:certificate/x',
        }),
      ),
    ).toThrow(/not an ACM certificate ARN in a China region/);
    expect(() => buildApp(testApp({ hospitalCidrs: '10.0.0.0/33' }))).toThrow(/no IPv4 CIDR/);
    expect(() => buildApp(testApp({ hospitalCidrs: '300.1.1.1/32' }))).toThrow(/no IPv4 CIDR/);
    expect(() => buildApp(testApp({ hospitalTruststoreUri: 's3://b/k.pem' }))).toThrow(
      /needs hospitalDomain/,
    );
    expect(() => buildApp(testApp({ accountConcurrency: 'lots' }))).toThrow(/positive integer/);
  });
});
