import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { stages } from '../../functions/core/config';
import { routeList } from '../../functions/system/route-table';
import { testApp } from '../helpers/cdk';

// biome-ignore lint/suspicious/noExplicitAny: template fragments, asserted field by field
type Json = Record<string, any>;

const certificate = (n: number) =>
  `arn:aws-cn:acm:cn-north-1:123456789012:certificate/12345678-1234-1234-1234-12345678901${n}`;
const withMutualTls = {
  hospitalDomain: 'his.example-hospital.cn',
  hospitalCertificateArn: certificate(2),
  hospitalTruststoreUri: 's3://po-truststore/his/truststore.pem',
  hospitalTruststoreVersion: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY',
  hospitalOwnershipCertificateArn: certificate(3),
  alarmEmail: 'oncall@example-hospital.cn',
  alarmWebhookUrl: 'https://ops.example-hospital.cn/alarms',
};

/**
 * What AWS WAF does to a request's path before a regex match, for the transformations this stack
 * uses (URL_DECODE once, NORMALIZE_PATH, LOWERCASE), as the WAF developer guide describes them.
 */
function transform(value: string, transformations: ReadonlyArray<{ Type: string; Priority: number }>) {
  let out = value;
  for (const { Type: type } of [...transformations].sort((a, b) => a.Priority - b.Priority)) {
    if (type === 'URL_DECODE')
      out = out.replace(/%([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    else if (type === 'NORMALIZE_PATH') {
      const parts: string[] = [];
      for (const part of out.replace(/\/{2,}/g, '/').split('/')) {
        if (part === '.') continue;
        if (part === '..') parts.pop();
        else parts.push(part);
      }
      out = parts.join('/') || '/';
    } else if (type === 'LOWERCASE') out = out.toLowerCase();
    else if (type !== 'NONE') throw new Error(`transformation ${type} not modelled`);
  }
  return out;
}

interface Request {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Evaluates the statement kinds this web ACL uses against a request; any other kind fails the test. */
function matches(statement: Json, request: Request): boolean {
  if (statement.OrStatement) return statement.OrStatement.Statements.some((s: Json) => matches(s, request));
  if (statement.AndStatement)
    return statement.AndStatement.Statements.every((s: Json) => matches(s, request));
  if (statement.NotStatement) return !matches(statement.NotStatement.Statement, request);
  const field = (s: Json): string | undefined => {
    if (s.FieldToMatch.UriPath) return request.path;
    if (s.FieldToMatch.SingleHeader) return request.headers[s.FieldToMatch.SingleHeader.Name.toLowerCase()];
    throw new Error(`field ${JSON.stringify(s.FieldToMatch)} not modelled`);
  };
  if (statement.RegexMatchStatement) {
    const s = statement.RegexMatchStatement;
    const value = field(s);
    return value !== undefined && new RegExp(s.RegexString).test(transform(value, s.TextTransformations));
  }
  if (statement.SizeConstraintStatement) {
    const s = statement.SizeConstraintStatement;
    const value = field(s);
    if (value === undefined) return false;
    if (s.ComparisonOperator !== 'GT') throw new Error(`operator ${s.ComparisonOperator} not modelled`);
    return Buffer.byteLength(transform(value, s.TextTransformations)) > s.Size;
  }
  throw new Error(`statement ${Object.keys(statement).join()} not modelled`);
}

const SPELLINGS = (path: string) => [
  path,
  `${path}/`,
  path.toUpperCase(),
  path.replace('/v1/', '/%76%31/'),
  `/prod${path}`,
  path.replace('/v1/', '/v1//'),
  path.replace('/v1/', '/v1/./'),
];

describe('the front door lets the real clients through and limits every spelling', () => {
  const api = Template.fromStack(buildApp(testApp()).api);
  const rules = (Object.values(api.findResources('AWS::WAFv2::WebACL'))[0]?.Properties.Rules ?? []) as Json[];

  it('matches each rate-limited path however it is spelled, and no other route', () => {
    const rates = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rates.length).toBeGreaterThanOrEqual(6);
    for (const rate of rates) {
      const scope = rate.Statement.RateBasedStatement.ScopeDownStatement;
      const limited = routeList.filter(
        (route) => route.method === 'POST' && matches(scope, { path: route.path, headers: {} }),
      );
      expect(limited, rate.Name).toHaveLength(1);
      const path = limited[0]?.path as string;
      for (const spelling of SPELLINGS(path)) {
        expect(matches(scope, { path: spelling, headers: {} }), `${rate.Name} ${spelling}`).toBe(true);
      }
      for (const other of routeList.filter((route) => route.path !== path)) {
        expect(matches(scope, { path: other.path, headers: {} }), `${rate.Name} ${other.path}`).toBe(false);
      }
    }
  });

  it('weighs Bot Control only on requests that claim a browser: native apps and hospital servers pass it by', () => {
    const bot = rules.find((r) => r.Name === 'AWSManagedRulesBotControlRuleSet');
    const scope = bot?.Statement.ManagedRuleGroupStatement.ScopeDownStatement;
    expect(scope).toBeDefined();
    const callers: ReadonlyArray<readonly [string, Request, boolean]> = [
      [
        'a native app (okhttp)',
        { path: '/v1/auth/sms/send', headers: { 'user-agent': 'okhttp/4.12.0' } },
        false,
      ],
      [
        'a WeChat mini-program',
        {
          path: '/v1/auth/miniprogram/wechat/login',
          headers: {
            'user-agent': 'Mozilla/5.0 (iPhone) MicroMessenger/8.0.50 miniProgram',
            referer: 'https://servicewechat.com/wx5f0a3c9e1b2d4f60/1/page-frame.html',
          },
        },
        false,
      ],
      [
        'a hospital server (curl)',
        { path: '/v1/hospital/oauth/token', headers: { 'user-agent': 'curl/8.5.0' } },
        false,
      ],
      [
        'a browser',
        {
          path: '/v1/auth/sms/send',
          headers: {
            'user-agent': 'Mozilla/5.0 Chrome/131.0',
            'sec-fetch-mode': 'cors',
            origin: 'https://app.example-hospital.cn',
          },
        },
        true,
      ],
      [
        'a script claiming a browser',
        { path: '/v1/auth/sms/send', headers: { 'user-agent': 'python-requests/2.32', origin: 'https://x' } },
        true,
      ],
    ];
    for (const [who, request, inspected] of callers) expect(matches(scope, request), who).toBe(inspected);
  });
});

describe('the deploy blockers the rehearsal exposed, each in the template', () => {
  const built = buildApp(testApp(withMutualTls));
  const api = Template.fromStack(built.api);
  const functions = api.findResources('AWS::Lambda::Function');
  const policies = api.findResources('AWS::IAM::Policy');
  const managed = api.findResources('AWS::IAM::ManagedPolicy');

  /** Every statement attached to a function's role (inline and managed policies). */
  const statementsOf = (functionId: string): Json[] => {
    const role = functions[functionId]?.Properties.Role['Fn::GetAtt'][0] as string;
    return [...Object.values(policies), ...Object.values(managed)]
      .filter((p) => JSON.stringify(p.Properties.Roles ?? []).includes(`"${role}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
  };

  it('lets each stream reader decrypt the stream of the table encrypted with our key', () => {
    const mappings = Object.values(api.findResources('AWS::Lambda::EventSourceMapping')).filter((m) =>
      JSON.stringify(m.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(mappings.length).toBe(2);
    for (const mapping of mappings) {
      // It invokes the function's `live` alias: the function is the one behind it.
      const named = JSON.stringify(mapping.Properties.FunctionName);
      const [, alias] =
        Object.entries(api.findResources('AWS::Lambda::Alias')).find(([id]) => named.includes(`"${id}"`)) ??
        [];
      const fn = alias?.Properties.FunctionName.Ref as string;
      const decrypts = statementsOf(fn).filter(
        (s) =>
          [s.Action].flat().includes('kms:Decrypt') &&
          JSON.stringify(s.Condition ?? {}).includes('dynamodb') &&
          JSON.stringify(s.Resource).includes('StorageKey'),
      );
      expect(decrypts.length, fn).toBeGreaterThan(0);
    }
  });

  it('ends provisioned concurrency at each window: MinCapacity and MaxCapacity back to 0', () => {
    const targets = Object.values(api.findResources('AWS::ApplicationAutoScaling::ScalableTarget'));
    expect(targets.length).toBe(stages.prod.rush.functions.length);
    for (const target of targets) {
      const actions = target.Properties.ScheduledActions as Json[];
      const ends = stages.prod.rush.windows.map((w) => actions.find((a) => a.Schedule === w.end));
      for (const end of ends) expect(end?.ScalableTargetAction).toEqual({ MinCapacity: 0, MaxCapacity: 0 });
    }
  });

  it('lets a failed first deploy be retried: fixed-name log groups go when their creation rolls back', () => {
    const groups = Object.entries(api.findResources('AWS::Logs::LogGroup'));
    const named = groups.filter(([, g]) => g.Properties.LogGroupName !== undefined);
    expect(named.length).toBeGreaterThan(10);
    for (const [id, group] of groups) {
      expect(group.DeletionPolicy, id).toBe('RetainExceptOnCreate');
      expect(group.UpdateReplacePolicy, id).toBe('Retain');
    }
  });

  it('puts the ownership-verification certificate and a pinned truststore version on the mutual-TLS domain', () => {
    api.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: 'his.example-hospital.cn',
      MutualTlsAuthentication: {
        TruststoreUri: withMutualTls.hospitalTruststoreUri,
        TruststoreVersion: withMutualTls.hospitalTruststoreVersion,
      },
      OwnershipVerificationCertificateArn: withMutualTls.hospitalOwnershipCertificateArn,
    });
  });

  it('pages someone: email and HTTPS subscriptions from context, and the topic ARN as an output', () => {
    const subscriptions = Object.values(api.findResources('AWS::SNS::Subscription')).map((s) => [
      s.Properties.Protocol,
      s.Properties.Endpoint,
    ]);
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        ['email', withMutualTls.alarmEmail],
        ['https', withMutualTls.alarmWebhookUrl],
      ]),
    );
    const outputs = api.findOutputs('AlarmTopicArn');
    expect(Object.keys(outputs)).toHaveLength(1);
  });

  it("sets API Gateway's account logging role only after the role's policy exists", () => {
    const [account] = Object.values(api.findResources('AWS::ApiGateway::Account'));
    const policyIds = Object.keys(managed).filter((id) => id.includes('LogsPolicy'));
    expect(policyIds).toHaveLength(1);
    expect(account?.DependsOn).toEqual(expect.arrayContaining(policyIds));
  });

  it('turns the CDK CLI telemetry off (its host is outside the partition)', () => {
    const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8'));
    expect(cdkJson.context['cli-telemetry']).toBe(false);
  });

  it('refuses an ownership certificate or truststore version without mutual TLS, and malformed alarm context', () => {
    const without = { hospitalDomain: 'his.example-hospital.cn', hospitalCertificateArn: certificate(2) };
    expect(() => buildApp(testApp({ ...without, hospitalOwnershipCertificateArn: certificate(3) }))).toThrow(
      /needs hospitalTruststoreUri/,
    );
    expect(() => buildApp(testApp({ ...without, hospitalTruststoreVersion: 'v1' }))).toThrow(
      /needs hospitalTruststoreUri/,
    );
    expect(() => buildApp(testApp({ alarmEmail: 'not-an-address' }))).toThrow(/alarmEmail/);
    expect(() => buildApp(testApp({ alarmWebhookUrl: 'http://plain.example/alarms' }))).toThrow(
      /alarmWebhookUrl/,
    );
  });
});
