import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { BackupClient, DescribeRegionSettingsCommand } from '@aws-sdk/client-backup';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Check, covers, type PreflightInput, preflight, sdkClients } from '../../../bin/ops/preflight';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const backup = mockClient(BackupClient);
const acm = mockClient(ACMClient);

const ACCOUNT = '123456789012';
const certArn = (region: string, n = 1) =>
  `arn:aws-cn:acm:${region}:${ACCOUNT}:certificate/12345678-1234-1234-1234-12345678901${n}`;
const now = new Date('2026-11-30T00:00:00Z');
const input: PreflightInput = {
  profile: 'po-china',
  region: 'cn-north-1',
  copyRegion: 'cn-northwest-1',
  stage: 'prod',
  concurrency: { reserved: 182, needed: 282 },
  apiDomain: { name: 'api.example-hospital.cn', certificateArn: certArn('cn-north-1') },
  hospitalDomain: { name: 'his.example-hospital.cn', certificateArn: certArn('cn-north-1', 2) },
  hospitalCidrs: ['203.0.113.0/24'],
  now,
};
const regionOf = async (client: { config: { region: () => Promise<string> } }) => client.config.region();

/** A ready account: both regions bootstrapped, quota raised, Backup set, certificates valid. */
beforeEach(() => {
  for (const m of [sts, cfn, lambda, backup, acm]) m.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws-cn:iam::${ACCOUNT}:user/ops` });
  cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).resolves({
    Stacks: [
      {
        StackName: 'CDKToolkit',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: now,
        Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '27' }],
      },
    ],
  });
  cfn
    .on(DescribeStacksCommand, { StackName: 'PatientOnboarding-prod-Api' })
    .rejects(new Error('Stack with id PatientOnboarding-prod-Api does not exist'));
  lambda
    .on(GetAccountSettingsCommand)
    .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 } });
  backup.on(DescribeRegionSettingsCommand).resolves({
    ResourceTypeOptInPreference: { DynamoDB: true },
    ResourceTypeManagementPreference: { DynamoDB: true },
  });
  acm.on(DescribeCertificateCommand).callsFake(({ CertificateArn }) => ({
    Certificate: {
      CertificateArn,
      DomainName: CertificateArn.endsWith('1') ? 'api.example-hospital.cn' : '*.example-hospital.cn',
      Status: 'ISSUED',
      Type: 'IMPORTED',
      NotAfter: new Date('2027-06-30T00:00:00Z'),
    },
  }));
});

const run = (overrides: Partial<PreflightInput> = {}) =>
  preflight(sdkClients('po-china'), { ...input, ...overrides });
const find = (checks: Check[], name: string) => checks.find((c) => c.name === name) as Check;

describe('npm run preflight', () => {
  it('passes a ready account, check by check, in both regions', async () => {
    const checks = await run();
    expect(checks.map((c) => [c.name, c.outcome])).toEqual([
      ['partition', 'ok'],
      ['regions', 'ok'],
      ['bootstrap cn-north-1', 'ok'],
      ['bootstrap cn-northwest-1', 'ok'],
      ['lambda concurrency cn-north-1', 'ok'],
      ['lambda concurrency cn-northwest-1', 'ok'],
      ['backup settings cn-north-1', 'ok'],
      ['backup settings cn-northwest-1', 'ok'],
      ['apiDomain api.example-hospital.cn', 'ok'],
      ['hospitalDomain his.example-hospital.cn', 'ok'],
    ]);
    // Both regions asked, each with its own client.
    const asked = await Promise.all(
      cfn.commandCalls(DescribeStacksCommand).map((c) => regionOf(c.thisValue as never)),
    );
    expect(new Set(asked)).toEqual(new Set(['cn-north-1', 'cn-northwest-1']));
  });

  it('stops at credentials of the global partition, saying which account to use', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ops` });
    const checks = await run();
    expect(checks).toEqual([expect.objectContaining({ name: 'partition', outcome: 'fail' })]);
    expect(checks[0]?.fix).toMatch(/AWS China account/);
    expect(cfn.calls()).toHaveLength(0);
  });

  it('stops when there are no credentials at all', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' }));
    const checks = await run();
    expect(checks).toEqual([expect.objectContaining({ name: 'credentials', outcome: 'fail' })]);
    expect(checks[0]?.fix).toContain('aws configure --profile po-china');
  });

  it('gives the bootstrap command for both regions (aws://, not aws-cn://) when one is missing or old', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'CDKToolkit' }).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'cn-northwest-1')
        throw new Error('Stack with id CDKToolkit does not exist');
      return {
        Stacks: [
          {
            StackName: 'CDKToolkit',
            StackStatus: 'CREATE_COMPLETE',
            CreationTime: now,
            Outputs: [{ OutputKey: 'BootstrapVersion', OutputValue: '5' }],
          },
        ],
      };
    });
    const checks = await run();
    const north = find(checks, 'bootstrap cn-north-1');
    const northwest = find(checks, 'bootstrap cn-northwest-1');
    expect(north).toMatchObject({
      outcome: 'fail',
      detail: expect.stringMatching(/version 5, this app needs 8/),
    });
    expect(northwest).toMatchObject({ outcome: 'fail', detail: 'no CDKToolkit stack' });
    expect(northwest.fix).toBe(
      `npx cdk bootstrap aws://${ACCOUNT}/cn-north-1 aws://${ACCOUNT}/cn-northwest-1 --profile po-china`,
    );
    expect(northwest.fix).not.toContain('aws-cn://');
  });

  it('fails a concurrency quota below the reserved sum + 100 where it deploys, and says how to raise it', async () => {
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 50, UnreservedConcurrentExecutions: 50 } });
    const checks = await run();
    const here = find(checks, 'lambda concurrency cn-north-1');
    expect(here.outcome).toBe('fail');
    expect(here.detail).toContain(
      'quota 50; stage prod reserves 182 and Lambda keeps 100 unreserved: needs 282',
    );
    expect(here.fix).toContain(
      '--service-code lambda --quota-code L-B99A9384 --desired-value 1000 --region cn-north-1',
    );
    // The other region only matters for a fail-over deploy.
    expect(find(checks, 'lambda concurrency cn-northwest-1').outcome).toBe('warn');
  });

  it('warns when other functions already reserve what this stage needs', async () => {
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 200 } });
    expect(find(await run(), 'lambda concurrency cn-north-1').outcome).toBe('warn');
    // Not when it is our own stack's reservation.
    cfn
      .on(DescribeStacksCommand, { StackName: 'PatientOnboarding-prod-Api' })
      .resolves({ Stacks: [{ StackName: 'x', StackStatus: 'UPDATE_COMPLETE', CreationTime: now }] });
    expect(find(await run(), 'lambda concurrency cn-north-1').outcome).toBe('ok');
  });

  it('fails Backup without advanced DynamoDB features, with the update-region-settings command', async () => {
    backup.on(DescribeRegionSettingsCommand).resolves({
      ResourceTypeOptInPreference: { DynamoDB: true },
      ResourceTypeManagementPreference: { DynamoDB: false },
    });
    const check = find(await run(), 'backup settings cn-north-1');
    expect(check).toMatchObject({
      outcome: 'fail',
      detail: expect.stringContaining('advanced features off'),
    });
    expect(check.fix).toBe(
      'aws backup update-region-settings --resource-type-opt-in-preference DynamoDB=true --resource-type-management-preference DynamoDB=true --region cn-north-1 --profile po-china',
    );
  });

  it('fails a certificate for another name, in another region, expired or not issued; warns near expiry', async () => {
    const wrongName = await run({
      apiDomain: { name: 'app.example-hospital.cn', certificateArn: certArn('cn-north-1') },
    });
    expect(find(wrongName, 'apiDomain app.example-hospital.cn')).toMatchObject({
      outcome: 'fail',
      detail: expect.stringContaining('not app.example-hospital.cn'),
    });
    const otherRegion = await run({
      apiDomain: { name: 'api.example-hospital.cn', certificateArn: certArn('cn-northwest-1') },
    });
    expect(find(otherRegion, 'apiDomain api.example-hospital.cn').detail).toContain(
      'needs one in cn-north-1',
    );
    acm.on(DescribeCertificateCommand).resolves({
      Certificate: {
        DomainName: 'api.example-hospital.cn',
        Status: 'ISSUED',
        NotAfter: new Date('2026-12-10T00:00:00Z'),
      },
    });
    expect(find(await run(), 'apiDomain api.example-hospital.cn')).toMatchObject({
      outcome: 'warn',
      detail: 'the certificate expires in 10 days',
    });
    acm.on(DescribeCertificateCommand).resolves({
      Certificate: {
        DomainName: 'api.example-hospital.cn',
        Status: 'ISSUED',
        NotAfter: new Date('2026-11-01T00:00:00Z'),
      },
    });
    expect(find(await run(), 'apiDomain api.example-hospital.cn').outcome).toBe('fail');
    acm
      .on(DescribeCertificateCommand)
      .resolves({ Certificate: { DomainName: 'api.example-hospital.cn', Status: 'REVOKED' } });
    expect(find(await run(), 'apiDomain api.example-hospital.cn').detail).toBe('certificate status REVOKED');
  });

  it('needs an ACM-issued ownership certificate for mutual TLS with an imported certificate', async () => {
    const mutualTls = (ownershipCertificateArn?: string) =>
      run({
        hospitalDomain: {
          name: 'his.example-hospital.cn',
          certificateArn: certArn('cn-north-1', 2),
          truststoreUri: 's3://po-truststore/his/truststore.pem',
          ...(ownershipCertificateArn ? { ownershipCertificateArn } : {}),
        },
      });
    const missing = find(await mutualTls(), 'hospitalOwnershipCertificate his.example-hospital.cn');
    expect(missing).toMatchObject({
      outcome: 'fail',
      fix: expect.stringContaining('aws acm request-certificate'),
    });
    // The default fake answers IMPORTED for every ARN: an imported one cannot prove ownership.
    expect(
      find(await mutualTls(certArn('cn-north-1', 3)), 'hospitalOwnershipCertificate his.example-hospital.cn')
        .outcome,
    ).toBe('fail');
    acm.on(DescribeCertificateCommand, { CertificateArn: certArn('cn-north-1', 3) }).resolves({
      Certificate: { DomainName: 'his.example-hospital.cn', Status: 'ISSUED', Type: 'AMAZON_ISSUED' },
    });
    expect(
      find(await mutualTls(certArn('cn-north-1', 3)), 'hospitalOwnershipCertificate his.example-hospital.cn')
        .outcome,
    ).toBe('ok');
  });

  it('warns, not fails, for a test deploy without domains, naming the ICP 403', async () => {
    const checks = await run({ apiDomain: undefined, hospitalDomain: undefined, hospitalCidrs: [] });
    expect(find(checks, 'apiDomain')).toMatchObject({ outcome: 'warn' });
    expect(find(checks, 'apiDomain').fix).toMatch(/403 .* ICP-whitelisted/);
    expect(find(checks, 'hospitalDomain').outcome).toBe('warn');
    expect(checks.some((c) => c.outcome === 'fail')).toBe(false);
    expect(acm.calls()).toHaveLength(0);
  });

  it('makes only read calls', async () => {
    await run();
    const names = [sts, cfn, lambda, backup, acm].flatMap((m) =>
      m.calls().map((c) => c.args[0].constructor.name),
    );
    for (const name of names) expect(name).toMatch(/^(Get|Describe|List)/);
  });

  it('matches wildcard certificates one label deep only', () => {
    expect(covers('*.example-hospital.cn', 'api.example-hospital.cn')).toBe(true);
    expect(covers('*.example-hospital.cn', 'a.b.example-hospital.cn')).toBe(false);
    expect(covers('*.example-hospital.cn', 'example-hospital.cn')).toBe(false);
    expect(covers('API.example-hospital.cn', 'api.EXAMPLE-hospital.cn')).toBe(true);
  });
});
