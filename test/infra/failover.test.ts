import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { synthViolations, testApp } from '../helpers/cdk';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read field by field
type Json = Record<string, any>;

const stream =
  'arn:aws-cn:dynamodb:cn-northwest-1:111122223333:table/po-prod-restored/stream/2026-12-03T08:00:00.000';
const context = {
  region: 'cn-northwest-1',
  failover: 'true',
  table: 'po-prod-restored',
  tableStream: stream,
};

/**
 * A fail-over deploy: Beijing is down, Ningxia takes over on a table restored from the copied
 * backup, with Ningxia's own keys and the secrets' replicas, and nothing in it names Beijing.
 */
describe('a fail-over deploy (context failover, table, tableStream)', () => {
  const built = buildApp(testApp(context));
  const data = Template.fromStack(built.data);
  const api = Template.fromStack(built.api);
  const text = (value: unknown) => JSON.stringify(value);
  const functions = Object.entries(api.findResources('AWS::Lambda::Function'));

  it('deploys every stack in the surviving region, none in the lost one', () => {
    for (const stack of [built.copies, built.data, built.api]) expect(stack.region).toBe('cn-northwest-1');
    for (const template of [data, api]) expect(text(template.toJSON())).not.toContain('cn-north-1:');
  });

  it('runs on the restored table: no new table, functions, IAM and the stream mappings follow it', () => {
    data.resourceCountIs('AWS::DynamoDB::Table', 0);
    for (const [id, fn] of functions) {
      const env = fn.Properties.Environment.Variables;
      if (env.TABLE_NAME) expect(env.TABLE_NAME, id).toBe('po-prod-restored');
    }
    const tableStatements = Object.values(api.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[])
      .filter((s) => text(s.Action).includes('dynamodb:') && s.Resource !== '*');
    expect(tableStatements.length).toBeGreaterThan(0);
    for (const s of tableStatements) expect(text(s.Resource)).toContain('po-prod-restored');
    const mappings = Object.values(api.findResources('AWS::Lambda::EventSourceMapping')).filter((m) =>
      text(m.Properties.EventSourceArn).includes('dynamodb'),
    );
    expect(mappings.length).toBeGreaterThan(0);
    for (const m of mappings) expect(m.Properties.EventSourceArn).toBe(stream);
    const selection = Object.values(data.findResources('AWS::Backup::BackupSelection'))[0];
    expect(text(selection?.Properties)).toContain('table/po-prod-restored');
  });

  it("uses this region's own keys and the secrets' replicas, and makes none of its own", () => {
    data.resourceCountIs('AWS::KMS::Key', 0);
    data.resourceCountIs('AWS::SecretsManager::Secret', 0);
    for (const [id, fn] of functions) {
      const env = fn.Properties.Environment.Variables;
      if (env.DATA_KEY_ARN) expect(text(env.DATA_KEY_ARN), id).toContain('StandbyDataKey');
      if (env.SIGNING_KEY_ARN) expect(text(env.SIGNING_KEY_ARN), id).toContain('StandbySigningKey');
      if (env.APP_SECRET_ARN)
        expect(text(env.APP_SECRET_ARN), id).toContain('patient-onboarding-prod-app-secret');
      // Nothing is wrapped for, or trusted from, the region that is down.
      expect(env.PEER_DATA_KEY_ARNS, id).toBeUndefined();
      expect(env.TRUSTED_SIGNING_KEY_ARNS, id).toBeUndefined();
    }
  });

  it('keeps backups in this region and copies them nowhere while the other is down', () => {
    const plan = Object.values(data.findResources('AWS::Backup::BackupPlan'))[0];
    expect(plan?.Properties.BackupPlan.BackupPlanRule[0].CopyActions ?? []).toEqual([]);
  });

  it('passes the checks', () => {
    expect(synthViolations(built.app)).toEqual([]);
  });

  it('refuses a fail-over without its restored table, or a stream that is not that table', () => {
    expect(() => buildApp(testApp({ region: 'cn-northwest-1', failover: 'true' }))).toThrow(
      /needs the restored table/,
    );
    expect(() => buildApp(testApp({ ...context, tableStream: undefined }))).toThrow(/go together/);
    expect(() =>
      buildApp(testApp({ ...context, tableStream: stream.replace('po-prod-restored', 'other-table') })),
    ).toThrow(/not the stream of table po-prod-restored/);
    expect(() => buildApp(testApp({ ...context, region: 'cn-north-1' }))).toThrow(/not in cn-north-1/);
    expect(() => buildApp(testApp({ ...context, failover: 'yes' }))).toThrow(/true or false/);
    expect(() =>
      buildApp(
        testApp({
          ...context,
          tableStream: stream.replace('aws-cn', 'aws').replace('cn-northwest-1', 'us-east-1'),
        }),
      ),
    ).toThrow(/stream ARN in a China region/);
  });

  it('points a normal deploy at a restored table in the home region too, still copying and wrapping', () => {
    const home = buildApp(
      testApp({
        table: 'po-prod-pitr',
        tableStream:
          'arn:aws-cn:dynamodb:cn-north-1:111122223333:table/po-prod-pitr/stream/2026-12-03T09:00:00.000',
      }),
    );
    const homeData = Template.fromStack(home.data);
    homeData.resourceCountIs('AWS::DynamoDB::Table', 0);
    homeData.resourceCountIs('AWS::SecretsManager::Secret', 2);
    const envs = Object.values(Template.fromStack(home.api).findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.Environment.Variables,
    );
    expect(envs.some((e) => e.PEER_DATA_KEY_ARNS)).toBe(true);
    expect(envs.filter((e) => e.TABLE_NAME).every((e) => e.TABLE_NAME === 'po-prod-pitr')).toBe(true);
  });
});
