import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { synthViolations, testApp } from '../helpers/cdk';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read field by field
type Json = Record<string, any>;

/**
 * Rotating the token-signing root through CDK: a second generation is a new key that signs, the
 * first stays trusted (verify only) until it is left out, and nothing about the first key's
 * resource changes on the way.
 */
describe('token-signing key rotation (context signingKeyGenerations)', () => {
  const built = buildApp(testApp({ signingKeyGenerations: '1,2' }));
  const data = Template.fromStack(built.data);
  const api = Template.fromStack(built.api);
  const functions = api.findResources('AWS::Lambda::Function');
  const signers = Object.entries(functions).filter(
    ([, f]) => f.Properties.Environment.Variables.SIGNING_KEY_ARN,
  );
  const policiesOf = (fn: Json): Json[] => {
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    return Object.values(api.findResources('AWS::IAM::ManagedPolicy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
  };

  it('keeps generation 1 as it was and adds generation 2 beside it', () => {
    const keys = Object.entries(data.findResources('AWS::KMS::Key')).filter(
      ([, k]) => k.Properties.KeySpec === 'ECC_NIST_P256',
    );
    expect(keys.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'TokenSigningKey',
      'TokenSigningKey2',
    ]);
    expect(keys.every(([, k]) => k.DeletionPolicy === 'Retain')).toBe(true);
    expect(synthViolations(built.app)).toEqual([]);
  });

  it('signs with generation 2 only and trusts generation 1 to verify', () => {
    expect(signers.length).toBeGreaterThan(0);
    for (const [id, fn] of signers) {
      const env = fn.Properties.Environment.Variables;
      expect(JSON.stringify(env.SIGNING_KEY_ARN), id).toContain('TokenSigningKey2');
      expect(JSON.stringify(env.TRUSTED_SIGNING_KEY_ARNS), id).toMatch(/TokenSigningKey(?!2)/);
      const statements = policiesOf(fn).filter((s) => JSON.stringify(s.Action).includes('kms:GetPublicKey'));
      const signing = statements.filter((s) => [s.Action].flat().includes('kms:Sign'));
      for (const s of signing) expect(JSON.stringify(s.Resource), id).not.toMatch(/TokenSigningKey(?!2)/);
      expect(JSON.stringify(statements), id).toMatch(/TokenSigningKey(?!2)/);
    }
  });

  it('refuses generations out of order or repeated', () => {
    for (const value of ['2,1', '1,1', '0', 'one'])
      expect(() => buildApp(testApp({ signingKeyGenerations: value })), value).toThrow(
        /signingKeyGenerations/,
      );
  });
});
