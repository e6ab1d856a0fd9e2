import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exampleConfig } from '../../../bin/local/site';
import {
  identityFixtures,
  startAliyunCloudauthStandin,
  startTencentFaceIdStandin,
} from '../../../bin/local/standins/identity';
import { getMe } from '../../../functions/auth/account';
import { loginWithCode } from '../../../functions/auth/login-with-code';
import { sendCode } from '../../../functions/auth/send-code';
import type { Identity } from '../../../functions/core/authorizer-context';
import { systemClock } from '../../../functions/core/clock';
import { DynamoIdentityStore } from '../../../functions/identity/dynamo-identity-store';
import type { IdentityDeps } from '../../../functions/identity/ports';
import { verifyIdentity } from '../../../functions/identity/verify-identity';
import { DynamoConsentStore } from '../../../functions/kernel/consent/dynamo-consent-store';
import { checkCharacter, type IdType } from '../../../functions/kernel/person/id-number';
import { standinCredentials } from '../../../functions/providers/credentials';
import { AliyunId2MetaProvider } from '../../../functions/providers/verification/aliyun-id2meta-provider';
import type { VerificationProvider } from '../../../functions/providers/verification/ports';
import { TencentFaceIdProvider } from '../../../functions/providers/verification/tencent-faceid-provider';
import { type AuthHarness, authHarness, cryptoRandom } from '../../helpers/auth-harness';
import { captureOutput } from '../../helpers/capture-logs';
import { localDynamo, rawTableText } from '../../helpers/dynamo';

const client = localDynamo();
let faceid: Awaited<ReturnType<typeof startTencentFaceIdStandin>>;
let cloudauth: Awaited<ReturnType<typeof startAliyunCloudauthStandin>>;

beforeAll(async () => {
  faceid = await startTencentFaceIdStandin(standinCredentials.tencent);
  cloudauth = await startAliyunCloudauthStandin(standinCredentials.aliyunCloudauth);
});
afterAll(async () => {
  await Promise.all([faceid.close(), cloudauth.close()]);
  client.destroy();
});

const fixture = (name: string) =>
  identityFixtures.find((p) => p.name === name) as { name: string; idNumber: string };
const zhang = fixture('张三');
const li = fixture('李四');

const tencent = (): VerificationProvider =>
  new TencentFaceIdProvider(
    { ...standinCredentials.tencent, region: 'ap-guangzhou', endpoint: faceid.url },
    systemClock,
  );
const aliyun = (): VerificationProvider =>
  new AliyunId2MetaProvider(
    { ...standinCredentials.aliyunCloudauth, endpoint: cloudauth.url },
    systemClock,
    cryptoRandom,
  );

let h: AuthHarness;
let deps: IdentityDeps;
let counter = 0;

beforeEach(async () => {
  h = await authHarness(client);
  deps = {
    config: exampleConfig.identity,
    clock: h.clock,
    store: new DynamoIdentityStore(h.table, h.audit),
    limiter: h.deps.limiter,
    audit: h.deps.audit,
    provider: tencent(),
    indexer: h.indexer,
    consents: new DynamoConsentStore(h.table, h.audit),
  };
});

/** What the privacy centre records when the user ticks the separate consent. */
async function consent(userId: string, purpose: 'sensitive_identity' | 'medical_card', accepted = true) {
  const at = h.clock.now().getTime();
  await new DynamoConsentStore(h.table, h.audit).record(
    {
      userId,
      purpose,
      policyVersion: exampleConfig.auth.policy.version,
      accepted,
      at,
      ipPrefix: '198.19.0.0/24',
      userAgent: 'test',
      by: 'self',
    },
    { event: 'consent.changed', userId, at },
  );
}

/** A registered account, as the login feature creates it. */
async function account(): Promise<Identity> {
  counter++;
  const phone = `1370000${String(counter).padStart(4, '0')}`;
  const { challengeId } = await sendCode(h.deps, {
    phone,
    purpose: 'login',
    sourceIp: `198.19.${counter % 250}.1`,
    ipPrefix: `198.19.${counter % 250}.0/24`,
  });
  const login = await loginWithCode(h.deps, {
    challengeId,
    phone,
    code: h.sms.lastCodeFor(`+86${phone}`),
    acceptPolicyVersion: exampleConfig.auth.policy.version,
    client: { sourceIp: '198.19.0.1', ipPrefix: '198.19.0.0/24', userAgent: 'test' },
  });
  await consent(login.user.id, 'sensitive_identity');
  return { userId: login.user.id, sessionId: 's', amr: ['sms'] };
}

const verify = (who: Identity, name: string, idNumber: string, idType: IdType = 'resident') =>
  verifyIdentity(deps, who, { name, idNumber, idType });

describe('verifyIdentity with Tencent FaceID', () => {
  it('verifies a matching person and marks the account', async () => {
    const who = await account();
    const before = faceid.calls.length;
    await expect(verify(who, '张三', '11010519491231002x')).resolves.toEqual({
      status: 'verified',
      nameMasked: '*三',
      idNumberMasked: '1101**********002X',
      verifiedAt: h.clock.now().toISOString(),
    });
    expect(faceid.calls.length).toBe(before + 1);
    expect((await getMe(h.deps, who)).realNameVerified).toBe(true);
    await expect(verify(who, '张三', zhang.idNumber)).rejects.toMatchObject({
      code: 'identity_already_verified',
    });
  });

  it('needs the separate sensitive_identity consent, and a withdrawal stops it at once', async () => {
    const who = await account();
    h.clock.advance(1000);
    await consent(who.userId, 'sensitive_identity', false);
    const before = faceid.calls.length;
    await expect(verify(who, '张三', zhang.idNumber)).rejects.toMatchObject({
      code: 'consent_required',
      extensions: { purpose: 'sensitive_identity' },
    });
    expect(faceid.calls.length).toBe(before);
    h.clock.advance(1000);
    await consent(who.userId, 'sensitive_identity', true);
    await expect(verify(who, '张三', zhang.idNumber)).resolves.toMatchObject({ status: 'verified' });
  });

  it('answers mismatch and not found with 422 codes', async () => {
    const who = await account();
    await expect(verify(who, '张四', zhang.idNumber)).rejects.toMatchObject({ code: 'identity_mismatch' });
    const unknown = `${'44030519700101123'}`;
    await expect(verify(who, '张三', unknown + checkCharacter(unknown))).rejects.toMatchObject({
      code: 'identity_not_found',
    });
  });

  it('maps provider failures to 503 and its daily limit to 429', async () => {
    const who = await account();
    await expect(verify(who, '故障测试', li.idNumber)).rejects.toMatchObject({
      code: 'verification_unavailable',
    });
    await expect(verify(who, '超限测试', li.idNumber)).rejects.toMatchObject({ code: 'too_many_attempts' });
    deps = {
      ...deps,
      provider: new TencentFaceIdProvider(
        { ...standinCredentials.tencent, region: 'x', endpoint: 'http://127.0.0.1:9/' },
        systemClock,
      ),
    };
    await expect(verify(await account(), '王五', fixture('王五').idNumber)).rejects.toMatchObject({
      code: 'verification_unavailable',
    });
  });

  it('checks locally and pays no provider for invalid input', async () => {
    const who = await account();
    const before = faceid.calls.length;
    await expect(verify(who, '张三', '11010119900307867X')).rejects.toMatchObject({
      code: 'identity_invalid',
      extensions: { reason: 'id_check_character' },
    });
    await expect(verify(who, '张', zhang.idNumber)).rejects.toMatchObject({
      extensions: { reason: 'name_length' },
    });
    await expect(verify(who, '张三', zhang.idNumber, 'hk_mo_tw_permit')).rejects.toMatchObject({
      extensions: { reason: 'id_type_mismatch' },
    });
    expect(faceid.calls.length).toBe(before);
  });

  it('sends people under 14 to a guardian', async () => {
    const child = fixture('赵小明');
    await expect(verify(await account(), child.name, child.idNumber)).rejects.toMatchObject({
      code: 'identity_minor',
      extensions: { minAge: 14 },
    });
  });

  it('verifies residence permits and foreign permanent residence cards', async () => {
    const hk = fixture('陈大文');
    await expect(verify(await account(), hk.name, hk.idNumber, 'hk_mo_tw_permit')).resolves.toMatchObject({
      status: 'verified',
    });
    const foreign = fixture('Maria·Smith');
    await expect(
      verify(await account(), 'Maria·Smith', foreign.idNumber, 'foreign_permanent'),
    ).resolves.toMatchObject({ status: 'verified' });
  });

  it('keeps one account per verified ID number, refusing the second without paying again', async () => {
    await verify(await account(), '张三', zhang.idNumber);
    const before = faceid.calls.length;
    await expect(verify(await account(), '张三', zhang.idNumber)).rejects.toMatchObject({
      code: 'identity_taken',
    });
    expect(faceid.calls.length).toBe(before);
  });

  it('lets only one of several accounts verifying the same ID at once win', async () => {
    const accounts = await Promise.all(Array.from({ length: 3 }, () => account()));
    const results = await Promise.allSettled(accounts.map((who) => verify(who, '李四', li.idNumber)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('identity_taken');
  });

  it('allows 5 attempts per account per day, even in parallel', async () => {
    const who = await account();
    const names = ['甲一', '甲二', '甲三', '甲四', '甲五', '甲六', '甲七', '甲八', '甲九', '甲十'];
    // Ten different, well-formed resident numbers the provider does not know.
    const ids = names.map((_, i) => {
      const first17 = `320102198001${i + 10}123`;
      return first17 + checkCharacter(first17);
    });
    const before = faceid.calls.length;
    const results = await Promise.allSettled(names.map((name, i) => verify(who, name, ids[i] as string)));
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'too_many_attempts',
    );
    expect(limited).toHaveLength(5);
    expect(faceid.calls.length - before).toBeLessThanOrEqual(5);
    h.clock.advance(86_400_000);
    await expect(verify(who, '张三', zhang.idNumber)).resolves.toMatchObject({ status: 'verified' });
  });

  it("counts 3 attempts per (ID number, account) a day: strangers' attempts never spend another account's", async () => {
    const strangers = await Promise.all(Array.from({ length: 6 }, () => account()));
    const results = await Promise.allSettled(
      strangers.map((who, i) => verify(who, `错名${'一二三四五六'[i]}`, li.idNumber)),
    );
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'));
    expect(codes).toEqual(Array(6).fill('identity_mismatch'));
    const one = strangers[0] as Identity;
    for (const name of ['错名七', '错名八']) {
      await expect(verify(one, name, li.idNumber)).rejects.toMatchObject({ code: 'identity_mismatch' });
    }
    await expect(verify(one, '李四', li.idNumber)).rejects.toMatchObject({ code: 'too_many_attempts' });
    // The number's owner still has a full quota.
    await expect(verify(await account(), '李四', li.idNumber)).resolves.toMatchObject({ status: 'verified' });
  });

  it('never tells a stranger that an ID number has an account here: a wrong name is a mismatch', async () => {
    await verify(await account(), '张三', zhang.idNumber);
    const stranger = await account();
    // Only the provider's (or a remembered) match of name and number may learn it is taken.
    await expect(verify(stranger, '张四', zhang.idNumber)).rejects.toMatchObject({
      code: 'identity_mismatch',
    });
    await expect(verify(stranger, '张三', zhang.idNumber)).rejects.toMatchObject({ code: 'identity_taken' });
  });

  it('remembers a match so the same person re-verifying costs nothing', async () => {
    const first = await account();
    await verify(first, '王五', fixture('王五').idNumber);
    // The person closes that account (its ID claim goes with it) and opens another.
    const { DeleteItemCommand } = await import('@aws-sdk/client-dynamodb');
    await client.send(
      new DeleteItemCommand({
        TableName: h.tableName,
        Key: {
          pk: { S: `IDNUM#${h.indexer.token('id-number', fixture('王五').idNumber)}` },
          sk: { S: 'VERIFIED' },
        },
      }),
    );
    const before = faceid.calls.length;
    await expect(verify(await account(), '王五', fixture('王五').idNumber)).resolves.toMatchObject({
      status: 'verified',
    });
    expect(faceid.calls.length).toBe(before);
  });

  it('leaves no plaintext name or ID number in the table or the logs, and audits every outcome', async () => {
    const who = await account();
    const { output } = await captureOutput(async () => {
      await verify(who, '张四', zhang.idNumber).catch(() => undefined);
      await verify(who, '故障测试', zhang.idNumber).catch(() => undefined);
      await verify(who, '张三', zhang.idNumber);
    });
    const raw = await rawTableText(client, h.tableName);
    for (const secret of [
      '张三',
      '张四',
      zhang.idNumber,
      '11010519491231',
      Buffer.from('张三').toString('latin1'),
    ]) {
      expect(raw).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    expect(raw.match(/identity\.verification/g)?.length).toBe(3);
    expect(raw).toContain('1101**********002X');
  });
});

describe('verifyIdentity with Alibaba Cloud Id2MetaVerify', () => {
  it('maps BizCode 1, 2 and 3 and provider errors', async () => {
    deps = { ...deps, provider: aliyun() };
    await expect(verify(await account(), '王五', fixture('王五').idNumber)).resolves.toMatchObject({
      status: 'verified',
    });
    await expect(verify(await account(), '张四', zhang.idNumber)).rejects.toMatchObject({
      code: 'identity_mismatch',
    });
    const unknown = '44030519700101123';
    await expect(verify(await account(), '张三', unknown + checkCharacter(unknown))).rejects.toMatchObject({
      code: 'identity_not_found',
    });
    await expect(verify(await account(), '故障测试', li.idNumber)).rejects.toMatchObject({
      code: 'verification_unavailable',
    });
    const wrongKey = new AliyunId2MetaProvider(
      { ...standinCredentials.aliyunCloudauth, accessKeySecret: 'x', endpoint: cloudauth.url },
      systemClock,
      cryptoRandom,
    );
    deps = { ...deps, provider: wrongKey };
    await expect(verify(await account(), '李四', li.idNumber)).rejects.toMatchObject({
      code: 'verification_unavailable',
    });
  });
});
