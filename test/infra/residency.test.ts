import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { assertAllowedRegion, parseAllowedRegions, ResidencyChecker } from '../../lib/residency';
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
