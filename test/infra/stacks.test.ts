import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, type Stack as StackType, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { routeKey } from '../../functions/core/route';
import { routeList } from '../../functions/system/route-table';
import { synthViolations, testApp } from '../helpers/cdk';

let data: Template;
let api: Template;
let violations: ReturnType<typeof synthViolations>;
let templatesText: string;
let copies: StackType;
let built: ReturnType<typeof buildApp>;

/**
 * The function a reference names (a `Ref`, or an expression that holds one): itself, or the
 * function behind the `live` alias it names.
 */
function functionBehind(reference: unknown): string {
  const text = JSON.stringify(reference);
  for (const [id, alias] of Object.entries(api.findResources('AWS::Lambda::Alias')))
    if (text.includes(`"${id}"`)) return alias.Properties.FunctionName.Ref as string;
  return typeof reference === 'string' ? reference : text;
}
const namesAlias = (reference: unknown) =>
  Object.keys(api.findResources('AWS::Lambda::Alias')).some((id) =>
    JSON.stringify(reference).includes(`"${id}"`),
  );

beforeAll(() => {
  built = buildApp(testApp());
  violations = synthViolations(built.app);
  data = Template.fromStack(built.data);
  copies = built.copies;
  api = Template.fromStack(built.api);
  templatesText = JSON.stringify(data.toJSON()) + JSON.stringify(api.toJSON());
});

describe('data stack', () => {
  it('keeps the table: PITR, deletion protection, customer-managed key, TTL, RETAIN', () => {
    data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      },
    });
  });

  it('has single-region keys that deny replication: two symmetric with rotation, one P-256 signing key', () => {
    const keys = Object.values(data.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(3);
    for (const key of keys) {
      expect(key.DeletionPolicy).toBe('Retain');
      expect(key.Properties.MultiRegion).not.toBe(true);
      expect(key.Properties.KeyPolicy.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: ['kms:ReplicateKey', 'kms:UpdatePrimaryRegion'],
          }),
        ]),
      );
    }
    const signing = keys.filter((k) => k.Properties.KeySpec === 'ECC_NIST_P256');
    expect(signing).toHaveLength(1);
    expect(signing[0]?.Properties.KeyUsage).toBe('SIGN_VERIFY');
    for (const key of keys.filter((k) => k.Properties.KeySpec === undefined)) {
      expect(key.Properties.EnableKeyRotation).toBe(true);
    }
  });

  it('lets CloudWatch Logs of this account and region, and nobody else, use the storage key', () => {
    const keys = Object.values(data.findResources('AWS::KMS::Key'));
    const statements = keys.flatMap(
      (k) => k.Properties.KeyPolicy.Statement as Array<Record<string, unknown>>,
    );
    const logs = statements.filter((st) => st.Sid === 'CloudWatchLogs');
    expect(logs).toHaveLength(1);
    // logs.<region>.<URLSuffix>: amazonaws.com.cn in the China partition.
    expect(logs[0]?.Principal).toEqual({
      Service: { 'Fn::Join': ['', ['logs.cn-north-1.', { Ref: 'AWS::URLSuffix' }]] },
    });
    expect(JSON.stringify(logs[0])).toContain('kms:EncryptionContext:aws:logs:arn');
  });

  it('keeps the application secret and provider credentials in Secrets Manager under the storage key', () => {
    data.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        KmsKeyId: Match.anyValue(),
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
      },
    });
  });
});

describe('stateful resources', () => {
  it('keep their logical ids: a refactor must never replace the table, keys, secrets or vaults', () => {
    // Changing this list means CloudFormation would delete and recreate a resource holding data.
    const retained = (template: Template) =>
      Object.entries(template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>)
        .filter(([, r]) => r.DeletionPolicy === 'Retain')
        .map(([id, r]) => `${id} ${r.Type}`)
        .sort();
    expect(retained(data)).toEqual([
      'AppSecretFAB5164C AWS::SecretsManager::Secret',
      'BackupVault3A9C5852 AWS::Backup::BackupVault',
      'DataKey17AFBB84 AWS::KMS::Key',
      'ProviderCredentials9BA01DC4 AWS::SecretsManager::Secret',
      'StorageKeyB6649B55 AWS::KMS::Key',
      'TableCD117FA1 AWS::DynamoDB::Table',
      'TokenSigningKeyBF1D9E0A AWS::KMS::Key',
    ]);
    expect(retained(Template.fromStack(copies))).toEqual([
      'CopyVaultD6A381F7 AWS::Backup::BackupVault',
      'CopyVaultKey8E9FDD62 AWS::KMS::Key',
      'StandbyDataKey4E009668 AWS::KMS::Key',
      'StandbySigningKeyB84FA247 AWS::KMS::Key',
    ]);
  });

  it('back the table up daily into an encrypted vault, with copies in the other China region', () => {
    const plan = Object.values(data.findResources('AWS::Backup::BackupPlan'))[0];
    const rule = plan?.Properties.BackupPlan.BackupPlanRule[0];
    expect(rule.Lifecycle).toEqual({ DeleteAfterDays: 35 });
    expect(JSON.stringify(rule.CopyActions)).toContain(':backup:cn-northwest-1:');
    data.resourceCountIs('AWS::Backup::BackupSelection', 1);
    data.hasResourceProperties('AWS::Backup::BackupVault', { EncryptionKeyArn: Match.anyValue() });
    expect(copies.region).toBe('cn-northwest-1');
  });

  it('lock both vaults against deleting or shortening a recovery point', () => {
    for (const template of [data, Template.fromStack(copies)]) {
      template.hasResourceProperties('AWS::Backup::BackupVault', {
        LockConfiguration: { MinRetentionDays: 35, MaxRetentionDays: 365 },
        AccessPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Principal: { AWS: '*' },
              Action: Match.arrayWith(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']),
            }),
          ]),
        },
      });
    }
    // AWS Backup restore testing is not in the China regions' CloudFormation (CDK's validator:
    // AWS::Backup::RestoreTestingPlan "does not exist in cn-north-1"): none is declared.
    data.resourceCountIs('AWS::Backup::RestoreTestingPlan', 0);
  });

  it('pages on-call for a backup, copy or restore job that failed, expired or was aborted', () => {
    const rules = Object.values(api.findResources('AWS::Events::Rule')).filter(
      (r) => JSON.stringify(r.Properties.EventPattern?.source) === '["aws.backup"]',
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern).toEqual({
      source: ['aws.backup'],
      'detail-type': ['Backup Job State Change', 'Copy Job State Change', 'Restore Job State Change'],
      detail: { state: ['FAILED', 'EXPIRED', 'ABORTED'] },
    });
    const topics = Object.keys(api.findResources('AWS::SNS::Topic'));
    expect(JSON.stringify(rules[0]?.Properties.Targets)).toContain(topics[0] as string);
  });
});

describe('api stack', () => {
  it('has one nodejs22.x function per route group and the authorizer (arm64 in Beijing), with log groups that expire', () => {
    const groups = new Set(routeList.map((r) => r.group));
    // + authorizer, two queue workers, two stream workers, privacy jobs, audit verification, restore test
    api.resourceCountIs('AWS::Lambda::Function', groups.size + 8);
    api.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    for (const group of Object.values(api.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(180);
    }
  });

  it('logs each function to its own /aws/lambda/<name> group it creates, not through LoggingConfig', () => {
    const functions = Object.values(api.findResources('AWS::Lambda::Function'));
    const groupNames = Object.values(api.findResources('AWS::Logs::LogGroup')).map(
      (g) => g.Properties.LogGroupName,
    );
    for (const fn of functions) {
      expect(fn.Properties.LoggingConfig).toBeUndefined();
      expect(fn.Properties.FunctionName).toMatch(/^patient-onboarding-prod-[a-z-]+$/);
      expect(groupNames).toContain(`/aws/lambda/${fn.Properties.FunctionName}`);
    }
  });

  it('has a REST API method for every route-table entry, the fallback on every other method and path', () => {
    const methods = built.api.api.methods.map((m) => `${m.httpMethod} ${m.resource.path}`);
    const paths = [...new Set(routeList.map((r) => r.path))];
    expect(methods.sort()).toEqual(
      [...routeList.map(routeKey), ...paths.map((p) => `ANY ${p}`), 'ANY /', 'ANY /{proxy+}'].sort(),
    );
    api.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'patient-onboarding-prod',
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    // Every method is a Lambda proxy (payload 1.0), the functions answer problem+json themselves.
    for (const method of Object.values(api.findResources('AWS::ApiGateway::Method'))) {
      expect(method.Properties.Integration.Type).toBe('AWS_PROXY');
    }
  });

  it('encrypts every log group with the storage key and reserves concurrency for every function', () => {
    for (const group of Object.values(api.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.KmsKeyId).toBeDefined();
    }
    for (const fn of Object.values(api.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
    }
  });

  it('publishes card events to an archived bus whose rule feeds the signed webhook delivery', () => {
    api.resourceCountIs('AWS::Events::EventBus', 1);
    api.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
    const rule = Object.values(api.findResources('AWS::Events::Rule'))[0];
    expect(rule?.Properties.EventPattern).toEqual({ source: ['patient-onboarding.cards'] });
    expect(rule?.Properties.Targets[0].DeadLetterConfig).toBeDefined();
    const functions = api.findResources('AWS::Lambda::Function');
    const webhooks = Object.entries(functions).find(([id]) => id.startsWith('WebhooksFunction'))?.[1];
    expect(webhooks?.Properties.Environment.Variables).toHaveProperty('WEBHOOK_QUEUE_URL');
    const cards = Object.entries(functions).find(([id]) => id.startsWith('CardsFunction'))?.[1];
    expect(cards?.Properties.Environment.Variables).toHaveProperty('EVENT_BUS_NAME');
  });

  it('queues HIS registrations with a dead-letter queue, over TLS only, consumed by the worker', () => {
    const queues = Object.values(api.findResources('AWS::SQS::Queue'));
    // Two work queues and their dead letters; the dead letters of the jobs and of the stream workers.
    expect(queues).toHaveLength(6);
    for (const main of queues.filter((q) => q.Properties.RedrivePolicy)) {
      expect(main.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    }
    for (const q of queues) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
    api.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
    const functions = api.findResources('AWS::Lambda::Function');
    const changes = Object.entries(functions).find(([id]) => id.startsWith('CardChangesFunction'))?.[1];
    expect(changes?.Properties.Environment.Variables).toHaveProperty('REGISTRATION_QUEUE_URL');
    expect(changes?.Properties.Environment.Variables).toHaveProperty('EVENT_BUS_NAME');
  });

  it("drives the audit chain and card follow-ups from the table's stream: ordered, filtered, split on error, dead-lettered", () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const mappings = Object.values(api.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => m.Properties.StartingPosition,
    );
    expect(mappings).toHaveLength(2);
    const targets = mappings.map((m) => functionBehind(m.Properties.FunctionName)).sort();
    expect(targets.map((t) => t.replace(/Function.*/, ''))).toEqual(['AuditChain', 'CardChanges']);
    for (const m of mappings) {
      expect(m.Properties).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        ParallelizationFactor: 1,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 10,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^StreamDeadLetters/), 'Arn'] } },
        },
      });
      const pattern = JSON.parse(m.Properties.FilterCriteria.Filters[0].Pattern);
      expect(JSON.stringify(pattern)).toMatch(/AUDIT#|CARD#/);
    }
    // The chain worker writes blocks; the card worker touches no table, only the queue and the bus.
    const policies = Object.entries(api.findResources('AWS::IAM::ManagedPolicy'));
    const actionsOf = (prefix: string) =>
      policies
        .filter(([id]) => id.startsWith(prefix))
        .flatMap(([, p]) =>
          p.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => st.Action),
        );
    expect(actionsOf('AuditChainFunction')).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetRecords']),
    );
    expect(actionsOf('CardChangesFunction')).not.toContain('dynamodb:PutItem');
    expect(actionsOf('CardChangesFunction')).toEqual(
      expect.arrayContaining(['sqs:SendMessage', 'events:PutEvents']),
    );
    const alarms = Object.keys(api.findResources('AWS::CloudWatch::Alarm'));
    for (const name of [
      'AuditChainFunctionIteratorAge',
      'CardChangesFunctionIteratorAge',
      'StreamDeadLetters',
      'AuditChainProblems',
    ]) {
      expect(
        alarms.some((id) => id.includes(name)),
        name,
      ).toBe(true);
    }
    const verify = Object.values(api.findResources('AWS::Events::Rule')).find((r) =>
      functionBehind(r.Properties.Targets?.[0]?.Arn).startsWith('AuditVerifyFunction'),
    );
    expect(verify?.Properties.ScheduleExpression).toBe('cron(15 17 * * ? *)');
  });

  it('invokes every function through its live alias, each deploy a kept version named by its release', () => {
    const functions = Object.keys(api.findResources('AWS::Lambda::Function'));
    const aliases = Object.values(api.findResources('AWS::Lambda::Alias'));
    expect(aliases.map((a) => a.Properties.FunctionName.Ref).sort()).toEqual([...functions].sort());
    expect(aliases.every((a) => a.Properties.Name === 'live')).toBe(true);
    const versions = Object.values(api.findResources('AWS::Lambda::Version'));
    expect(versions).toHaveLength(functions.length);
    for (const version of versions) {
      expect(version.Properties.Description).toBe('patient-onboarding release 0.1.0');
      expect(version.DeletionPolicy).toBe('Retain');
    }
    // API Gateway, the authorizer, the event sources and the schedules name aliases, never a function.
    for (const m of Object.values(api.findResources('AWS::Lambda::EventSourceMapping')))
      expect(namesAlias(m.Properties.FunctionName)).toBe(true);
    for (const r of Object.values(api.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.ScheduleExpression,
    ))
      expect(namesAlias(r.Properties.Targets[0].Arn)).toBe(true);
    for (const permission of Object.values(api.findResources('AWS::Lambda::Permission')))
      expect(
        namesAlias(permission.Properties.FunctionName),
        JSON.stringify(permission.Properties.FunctionName),
      ).toBe(true);
  });

  it('runs account deletions every minute and retention hourly, one run at a time, failures dead-lettered', () => {
    const functions = api.findResources('AWS::Lambda::Function');
    const [jobsId, jobs] =
      Object.entries(functions).find(([id]) => id.startsWith('PrivacyJobsFunction')) ?? [];
    expect(jobs?.Properties.ReservedConcurrentExecutions).toBe(1);
    expect(jobs?.Properties.Timeout).toBe(300);
    expect(jobs?.Properties.DeadLetterConfig.TargetArn['Fn::GetAtt'][0]).toMatch(/^PrivacyJobDeadLetters/);
    const rules = Object.values(api.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.ScheduleExpression,
    );
    const schedules = rules.map((r) => ({
      schedule: r.Properties.ScheduleExpression,
      input: JSON.parse(r.Properties.Targets[0].Input),
      target: functionBehind(
        r.Properties.Targets[0].Arn.Ref ?? r.Properties.Targets[0].Arn['Fn::GetAtt']?.[0],
      ),
      deadLetters: r.Properties.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0],
    }));
    expect(schedules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ schedule: 'rate(1 minute)', input: { task: 'deletions' }, target: jobsId }),
        expect.objectContaining({ schedule: 'rate(1 hour)', input: { task: 'retention' }, target: jobsId }),
      ]),
    );
    expect(schedules.every((s) => s.deadLetters.startsWith('PrivacyJobDeadLetters'))).toBe(true);
    const alarms = Object.keys(api.findResources('AWS::CloudWatch::Alarm'));
    for (const name of ['PrivacyJobDeadLetters', 'PrivacyJobErrors', 'RightsRequestsOverdue']) {
      expect(alarms.some((id) => id.includes(name))).toBe(true);
    }
  });

  it('throttles the costly routes harder than the stage default', () => {
    const stage = Object.values(api.findResources('AWS::ApiGateway::Stage'))[0];
    const settings = stage?.Properties.MethodSettings as Array<Record<string, unknown>>;
    expect(settings.filter((s) => s.ResourcePath !== '/*')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ResourcePath: '/~1v1~1auth~1sms~1send',
          HttpMethod: 'POST',
          ThrottlingRateLimit: 600,
          ThrottlingBurstLimit: 1200,
        }),
        expect.objectContaining({
          ResourcePath: '/~1v1~1me~1identity~1verify',
          HttpMethod: 'POST',
          ThrottlingRateLimit: 150,
          ThrottlingBurstLimit: 300,
        }),
        expect.objectContaining({
          ResourcePath: '/~1v1~1me~1identity~1liveness',
          HttpMethod: 'POST',
          ThrottlingRateLimit: 100,
          ThrottlingBurstLimit: 200,
        }),
      ]),
    );
    expect(settings.filter((s) => s.ResourcePath !== '/*')).toHaveLength(3);
  });

  it('alarms on 5xx rate, WAF blocks, throttles, authorizer errors, the SMS ceiling and low send-to-login conversion', () => {
    const alarms = Object.keys(api.findResources('AWS::CloudWatch::Alarm'));
    for (const name of [
      'Api5xxRate',
      'WafBlockedSpike',
      'HisRegistrationDeadLetters',
      'WebhookDeadLetters',
      'AuthorizerErrors',
      'SmsCeilingNear',
      'LivenessCeilingNear',
      'SendToVerifyConversionLow',
      'authThrottles',
    ]) {
      expect(
        alarms.some((id) => id.includes(name)),
        name,
      ).toBe(true);
    }
    api.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const alarm of Object.values(api.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
  });

  it('writes JSON access logs without query strings or paths, error-only execution logs, and throttles by default', () => {
    const stage = Object.values(api.findResources('AWS::ApiGateway::Stage'))[0];
    const format = JSON.parse(stage?.Properties.AccessLogSetting.Format);
    expect(Object.keys(format)).toEqual(
      expect.arrayContaining(['requestId', 'resource', 'status', 'wafStatus']),
    );
    expect(JSON.stringify(format)).not.toMatch(/querystring|\$context\.path|identity/i);
    expect(stage?.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        {
          ResourcePath: '/*',
          HttpMethod: '*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: 9000,
          ThrottlingBurstLimit: 5000,
        },
      ]),
    );
    // REST API logs need the account-level role; ours writes to this API's two groups only.
    const account = Object.values(api.findResources('AWS::ApiGateway::Account'))[0];
    const roleId = account?.Properties.CloudWatchRoleArn['Fn::GetAtt'][0] as string;
    const policy = Object.values(api.findResources('AWS::IAM::ManagedPolicy')).find((p) =>
      p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId),
    );
    const text = JSON.stringify(policy?.Properties.PolicyDocument);
    expect(text).toMatch(/AccessLogs/);
    expect(text).toMatch(/ExecutionLogs/);
    expect(stage?.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^FrontDoorAccount/)]));
    const execution = Object.values(api.findResources('AWS::Logs::LogGroup')).find((g) =>
      JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
    );
    expect(execution?.Properties.KmsKeyId).toBeDefined();
  });

  it('gives each function exactly the keys and secrets its routes declare, and no Scan', () => {
    // Every function's permissions are in one customer-managed policy; there are no inline policies.
    api.resourceCountIs('AWS::IAM::Policy', 0);
    const policies = Object.values(api.findResources('AWS::IAM::ManagedPolicy'));
    const functions = api.findResources('AWS::Lambda::Function');
    const resourcesOf = (fnId: string) => {
      const roleId = functions[fnId]?.Properties.Role['Fn::GetAtt'][0];
      const policy = policies.find((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId));
      const text = JSON.stringify(policy?.Properties.PolicyDocument ?? {});
      return {
        dataKey: /DataKey/.test(text),
        signing: /TokenSigningKey/.test(text),
        sign: text.includes('kms:Sign'),
        appSecret: /AppSecret/.test(text),
        providers: /ProviderCredentials/.test(text),
        write: text.includes('dynamodb:PutItem'),
        scan: text.includes('dynamodb:Scan'),
      };
    };
    const idOf = (prefix: string) => Object.keys(functions).find((id) => id.startsWith(prefix)) as string;
    expect(resourcesOf(idOf('SystemFunction'))).toEqual({
      dataKey: false,
      signing: false,
      sign: false,
      appSecret: false,
      providers: false,
      write: false,
      scan: false,
    });
    expect(resourcesOf(idOf('AuthorizerFunction'))).toEqual({
      dataKey: false,
      signing: true,
      sign: false,
      appSecret: false,
      providers: false,
      write: false,
      scan: false,
    });
    // The account group sends the phone-recovery notice by SMS: it reads the provider credentials.
    expect(resourcesOf(idOf('AccountFunction'))).toEqual({
      dataKey: true,
      signing: true,
      sign: true,
      appSecret: true,
      providers: true,
      write: true,
      scan: false,
    });
    expect(resourcesOf(idOf('IdentityFunction'))).toEqual({
      dataKey: true,
      signing: false,
      sign: false,
      appSecret: true,
      providers: true,
      write: true,
      scan: false,
    });
    expect(resourcesOf(idOf('OauthFunction'))).toEqual({
      dataKey: true,
      signing: true,
      sign: true,
      appSecret: true,
      providers: true,
      write: true,
      scan: false,
    });
    expect(resourcesOf(idOf('CardsFunction'))).toMatchObject({
      dataKey: true,
      signing: false,
      providers: true,
      write: true,
      scan: false,
    });
    expect(resourcesOf(idOf('RegistrationFunction'))).toMatchObject({
      dataKey: true,
      signing: false,
      providers: true,
      write: true,
      scan: false,
    });
    expect(resourcesOf(idOf('AuthFunction'))).toEqual({
      dataKey: true,
      signing: true,
      sign: true,
      appSecret: true,
      providers: true,
      write: true,
      scan: false,
    });
    const env = functions[idOf('SystemFunction')]?.Properties.Environment.Variables;
    expect(env).not.toHaveProperty('DATA_KEY_ARN');
    expect(env).toMatchObject({ KEY_SOURCE: 'kms', STAGE: 'prod' });
  });

  it('puts the REQUEST authorizer (uncached, no identity source) in front of every user and hospital route only', () => {
    const authorizers = Object.values(api.findResources('AWS::ApiGateway::Authorizer'));
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]?.Properties).toMatchObject({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
    expect(authorizers[0]?.Properties.IdentitySource ?? '').toBe('');
    for (const route of routeList) {
      const method = built.api.api.methods.find(
        (m) => m.httpMethod === route.method && m.resource.path === route.path,
      );
      const cfn = method?.node.defaultChild as { authorizationType?: string } | undefined;
      expect(cfn?.authorizationType ?? 'NONE', route.id).toBe(route.auth === 'none' ? 'NONE' : 'CUSTOM');
    }
    for (const method of built.api.api.methods.filter((m) => m.httpMethod === 'ANY')) {
      const cfn = method.node.defaultChild as { authorizationType?: string };
      expect(cfn.authorizationType ?? 'NONE').toBe('NONE');
    }
  });

  it('answers what API Gateway refuses itself as problem+json, with our codes', () => {
    const responses = Object.values(api.findResources('AWS::ApiGateway::GatewayResponse'));
    const byType = new Map(responses.map((r) => [r.Properties.ResponseType, r.Properties]));
    for (const type of [
      'DEFAULT_4XX',
      'DEFAULT_5XX',
      'WAF_FILTERED',
      'THROTTLED',
      'AUTHORIZER_FAILURE',
      'ACCESS_DENIED',
    ]) {
      const response = byType.get(type);
      expect(response, type).toBeDefined();
      expect(response?.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/problem+json'",
      );
      const body = response?.ResponseTemplates['application/json'] as string;
      expect(body).toMatch(/"code":"[a-z_]+"/);
      expect(body).toContain('$context.requestId');
    }
    expect(byType.get('WAF_FILTERED')?.StatusCode).toBe('403');
    expect(byType.get('WAF_FILTERED')?.ResponseTemplates['application/json']).toContain('request_blocked');
    expect(byType.get('THROTTLED')?.StatusCode).toBe('429');
    expect(byType.get('AUTHORIZER_FAILURE')?.StatusCode).toBe('503');
  });

  it('uses no AWS managed policy', () => {
    expect(templatesText).not.toContain('AWSLambdaBasicExecutionRole');
  });
});

describe('checks', () => {
  it('passes cdk-nag AwsSolutions, HIPAA Security and NIST 800-53 rev 5 with every acknowledgement written down', () => {
    expect(violations).toEqual([]);
    const documented = readFileSync(new URL('../../docs/security-checks.md', import.meta.url), 'utf8');
    const acknowledged = new Set<string>();
    for (const construct of built.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const id of Object.keys(entry.data as Record<string, string>))
          acknowledged.add(id.replace(/^Annotation::/, '').replace(/\[.*$/, ''));
      }
    }
    expect(acknowledged.size).toBeGreaterThan(5);
    for (const rule of acknowledged) expect(documented, rule).toContain(rule);
    // The WAF findings are fixed, not acknowledged.
    expect([...acknowledged].filter((r) => /WAF/i.test(r))).toEqual([]);
  });

  it('uses nothing the China regions lack: Cognito, SNS SMS, Lambda X-Ray, Function URLs', () => {
    expect(templatesText).not.toMatch(
      /AWS::Cognito::|AWS::Lambda::Url|AWS::SNS::SMS|sns:Publish.*PhoneNumber/,
    );
    for (const fn of Object.values(api.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.TracingConfig?.Mode ?? 'PassThrough').not.toBe('Active');
    }
  });

  it('names no ARN outside the aws-cn partition', () => {
    expect(templatesText).not.toContain('arn:aws:');
  });

  it('catches a non-compliant resource (the checks can fail)', () => {
    const app = testApp();
    const stack = new Stack(app, 'Bad', { env: { region: 'cn-north-1' } });
    new dynamodb.Table(stack, 'T', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(synthViolations(app).map((v) => v.rule)).toContain('AwsSolutions-DDB3');
  });

  it('writes generated group entries only under .build (never into functions/)', () => {
    const entry = readFileSync(
      join(import.meta.dirname, '..', '..', '.build', 'entries', 'system.ts'),
      'utf8',
    );
    expect(entry).toContain("'GET /health'");
    expect(entry).toContain('$default: fallback');
  });
});
