import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../bin/app';
import { synthViolations, testApp } from '../helpers/cdk';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read field by field
type Json = Record<string, any>;

/**
 * Data that opens in either China region: the standby region holds its own data key and signing
 * root under the same aliases as the home region's, every sealing function wraps for it, every
 * verifier trusts its root, and both secrets are replicated there.
 */
describe.each([
  ['cn-north-1', 'cn-northwest-1'],
  ['cn-northwest-1', 'cn-north-1'],
])('home %s, standby %s', (home, standby) => {
  const built = buildApp(testApp({ region: home }));
  const copies = Template.fromStack(built.copies);
  const data = Template.fromStack(built.data);
  const api = Template.fromStack(built.api);
  const text = (value: unknown) => JSON.stringify(value);
  const policiesOf = (fn: Json): Json[] => {
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    return Object.values(api.findResources('AWS::IAM::ManagedPolicy'))
      .filter((p) => text(p.Properties.Roles).includes(`"${role}"`))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
  };
  const functions = Object.entries(api.findResources('AWS::Lambda::Function'));

  it('the standby region has a data key and a signing root of its own, aliased as at home', () => {
    expect(built.copies.region).toBe(standby);
    const aliases = Object.values(copies.findResources('AWS::KMS::Alias')).map((a) => a.Properties.AliasName);
    expect(aliases.sort()).toEqual([
      'alias/patient-onboarding-prod-data',
      'alias/patient-onboarding-prod-storage',
      'alias/patient-onboarding-prod-token-signing',
    ]);
    const homeAliases = Object.values(data.findResources('AWS::KMS::Alias')).map(
      (a) => a.Properties.AliasName,
    );
    expect(homeAliases.sort()).toEqual([
      'alias/patient-onboarding-prod-data',
      'alias/patient-onboarding-prod-storage',
      'alias/patient-onboarding-prod-token-signing',
    ]);
    const keys = Object.values(copies.findResources('AWS::KMS::Key'));
    expect(keys.filter((k) => k.Properties.KeySpec === 'ECC_NIST_P256')).toHaveLength(1);
    // None can be replicated out of its region.
    for (const key of keys) {
      expect(key.Properties.MultiRegion).toBe(false);
      expect(text(key.Properties.KeyPolicy)).toContain('kms:ReplicateKey');
    }
  });

  it('replicates the application and provider secrets to the standby region under its storage key', () => {
    const secrets = Object.values(data.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(secret.Properties.ReplicaRegions).toHaveLength(1);
      expect(secret.Properties.ReplicaRegions[0].Region).toBe(standby);
      expect(text(secret.Properties.ReplicaRegions[0].KmsKeyId)).toContain(`:kms:${standby}:`);
      expect(text(secret.Properties.ReplicaRegions[0].KmsKeyId)).toContain(
        'alias/patient-onboarding-prod-storage',
      );
    }
  });

  it('every sealing function wraps for the standby key, through its alias only', () => {
    const sealers = functions.filter(([, fn]) =>
      policiesOf(fn).some(
        (s) => [s.Action].flat().includes('kms:GenerateDataKey') && text(s.Resource).includes('DataKey'),
      ),
    );
    expect(sealers.length).toBeGreaterThan(3);
    for (const [id, fn] of sealers) {
      const env = fn.Properties.Environment.Variables;
      expect(text(env.PEER_DATA_KEY_ARNS), id).toContain(`${standby}`);
      expect(text(env.PEER_DATA_KEY_ARNS), id).toContain('alias/patient-onboarding-prod-data');
      const peer = policiesOf(fn).filter((s) => text(s.Resource).includes(`:kms:${standby}:`));
      expect(
        peer.flatMap((s) => s.Action),
        id,
      ).toContain('kms:Encrypt');
      for (const s of peer) {
        expect([s.Action].flat(), id).not.toContain('kms:Decrypt');
        expect(s.Condition?.StringEquals?.['kms:RequestAlias'], id).toMatch(
          /^alias\/patient-onboarding-prod-/,
        );
      }
    }
    // Functions that only open never name the standby key.
    for (const [id, fn] of functions.filter(([f]) => !sealers.some(([s]) => s === f)))
      expect(fn.Properties.Environment.Variables.PEER_DATA_KEY_ARNS, id).toBeUndefined();
  });

  it('every verifier trusts the standby signing root; signing stays with the home root', () => {
    const verifiers = functions.filter(([, fn]) => fn.Properties.Environment.Variables.SIGNING_KEY_ARN);
    expect(verifiers.length).toBeGreaterThan(0);
    for (const [id, fn] of verifiers) {
      const env = fn.Properties.Environment.Variables;
      expect(text(env.TRUSTED_SIGNING_KEY_ARNS), id).toContain('alias/patient-onboarding-prod-token-signing');
      const peer = policiesOf(fn).filter((s) => text(s.Resource).includes(`:kms:${standby}:`));
      const actions = peer.flatMap((s) => [s.Action].flat());
      expect(actions, id).toContain('kms:GetPublicKey');
      expect(actions, id).not.toContain('kms:Sign');
    }
  });

  it('passes the checks', () => {
    expect(synthViolations(built.app)).toEqual([]);
  });
});
