import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import {
  assertAllowedRegion,
  parseAllowedRegions,
  ResidencyChecker,
  regionsNamedIn,
} from '../../lib/residency';
import { testApp } from '../helpers/cdk';

const allowed = ['cn-north-1', 'cn-northwest-1'];

function checkedStack(region = 'cn-north-1') {
  const app = testApp();
  const stack = new Stack(app, 'S', { env: { region } });
  Aspects.of(app).add(new ResidencyChecker(allowed));
  return { app, stack };
}

const residencyErrors = (stack: Stack) =>
  Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('\\[Residency\\]'));

describe('residency', () => {
  it('refuses to synth for a region outside the allow-list, naming the allowed regions', () => {
    expect(() => buildApp(testApp({ region: 'us-east-1' }))).toThrow(/us-east-1.*cn-north-1, cn-northwest-1/);
    expect(() => buildApp(testApp({ region: 'ap-east-1' }))).toThrow(/not allowed/);
  });

  it('synths for both China regions', () => {
    for (const region of allowed) expect(() => buildApp(testApp({ region }))).not.toThrow();
  });

  it('reads the allow-list from context and refuses a missing region', () => {
    expect(parseAllowedRegions('cn-northwest-1, cn-north-1')).toEqual(['cn-northwest-1', 'cn-north-1']);
    expect(parseAllowedRegions(undefined)).toEqual(allowed);
    expect(() => assertAllowedRegion(undefined, allowed)).toThrow(/concrete target region/);
  });

  it('flags a global-table replica outside the allowed regions', () => {
    const { app, stack } = checkedStack();
    new dynamodb.TableV2(stack, 'T', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      replicas: [{ region: 'cn-northwest-1' }, { region: 'ap-southeast-1' }],
    });
    app.synth();
    const errors = residencyErrors(stack);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors)).toContain('ap-southeast-1');
  });

  it('flags multi-Region keys', () => {
    const { app, stack } = checkedStack();
    new kms.Key(stack, 'K', { multiRegion: true });
    app.synth();
    expect(JSON.stringify(residencyErrors(stack))).toContain('multi-Region');
  });

  it('flags a secret replicated outside the allowed regions, and accepts one inside', () => {
    const { app, stack } = checkedStack();
    new secretsmanager.Secret(stack, 'Far', { replicaRegions: [{ region: 'ap-east-1' }] });
    new secretsmanager.Secret(stack, 'Near', { replicaRegions: [{ region: 'cn-northwest-1' }] });
    app.synth();
    const errors = residencyErrors(stack);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors)).toContain('secret replica in \\"ap-east-1\\"');
  });

  it('flags a stack outside the allowed regions and the aws-cn partition', () => {
    const { app, stack } = checkedStack('eu-west-1');
    app.synth();
    const text = JSON.stringify(residencyErrors(stack));
    expect(text).toContain('eu-west-1');
    expect(text).toContain('not aws-cn');
  });

  it('accepts replicas inside the allowed regions', () => {
    const { app, stack } = checkedStack();
    new dynamodb.TableV2(stack, 'T', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      replicas: [{ region: 'cn-northwest-1' }],
    });
    app.synth();
    expect(residencyErrors(stack)).toHaveLength(0);
  });
});

describe('residency of the whole app', () => {
  it('names no region outside the allow-list anywhere in any template', () => {
    const built = buildApp(testApp());
    const text = [built.data, built.api, built.copies]
      .map((stack) => JSON.stringify(Template.fromStack(stack).toJSON()))
      .join('\n');
    expect([...regionsNamedIn(text)].every((r) => allowed.includes(r))).toBe(true);
    expect(regionsNamedIn(text)).toEqual(new Set(['cn-north-1', 'cn-northwest-1']));
    expect(text).not.toContain('arn:aws:');
  });

  it('copies backups to the other China region only, and flags a copy elsewhere', () => {
    const built = buildApp(testApp({ region: 'cn-northwest-1' }));
    expect(built.copies.region).toBe('cn-north-1');
    const { app, stack } = checkedStack();
    const plan = new backup.BackupPlan(stack, 'Plan');
    plan.addRule(
      new backup.BackupPlanRule({
        copyActions: [
          {
            destinationBackupVault: backup.BackupVault.fromBackupVaultArn(
              stack,
              'Far',
              'arn:aws-cn:backup:ap-east-1:111122223333:backup-vault:x',
            ),
          },
        ],
      }),
    );
    app.synth();
    expect(JSON.stringify(residencyErrors(stack))).toContain('backup copies go to ap-east-1');
  });

  it('finds region names in text', () => {
    expect(regionsNamedIn('arn:aws-cn:kms:cn-north-1:1:key/x us-gov-west-1 eu-central-1 nope-1')).toEqual(
      new Set(['cn-north-1', 'us-gov-west-1', 'eu-central-1']),
    );
  });
});
