import { describe, expect, it } from 'vitest';
import { identityFixtures, syntheticPerson, withoutPhoto } from '../../bin/local/standins/identity';
import { FACE_IMAGE_MARKER } from '../../bin/local/standins/liveness';
import { checkCharacter } from '../../functions/kernel/person/id-number';
import { apiClient } from '../helpers/api-client';
import { captureOutput } from '../helpers/capture-logs';
import { localDynamo, rawTableText } from '../helpers/dynamo';
import { runtimePerFile } from '../helpers/local-runtime';

/**
 * Real-person verification over HTTP against the local runtime: both providers' stand-ins (TC3
 * and Aliyun RPC signatures checked), their check pages played as the person would, every outcome
 * family, the face consent, the guardian rule, hospitals that require it, and the counter.
 */
const local = runtimePerFile('liveness', {
  jobs: { deletionsMs: 0, retentionMs: 0 },
});
let output = '';

const { call, login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);
const withCheck = (first17: string) => first17 + checkCharacter(first17);
const person = (name: string) =>
  identityFixtures.find((p) => p.name === name) as { name: string; idNumber: string };
/** A person the identity stand-ins know, a new one each time (an ID number verifies on one account only). */
let people = 3000;
const someone = () => syntheticPerson(people++);
const noPhoto = (i: number) => withoutPhoto[i] as { name: string; idNumber: string };
const returnUrl = () => `${local.runtime.url}/liveness/return`;
const metaInfo = JSON.stringify({ deviceType: 'h5', ua: 'vitest', bioMetaInfo: '4.1.0:2916352,0' });

let phones = 13900000000;
/** A new account, logged in, with the given separate consents and (unless null) a verified identity. */
async function verifiedAccount(
  who: { name: string; idNumber: string } | null,
  consents = ['sensitive_identity', 'face_recognition', 'medical_card'],
) {
  const phone = String(++phones);
  const { accessToken: token, user } = await login(phone);
  for (const purpose of consents) {
    const given = await call('/v1/me/consents', {
      token,
      body: { purpose, policyVersion: '2026-11-01', accepted: true },
    });
    expect(given.status).toBe(201);
  }
  if (who) {
    const verified = await call('/v1/me/identity/verify', { token, body: { ...who, idType: 'resident' } });
    expect(verified.status, verified.text).toBe(200);
  }
  return { token, userId: user.id, phone };
}

async function start(token: string, body: Record<string, unknown> = {}) {
  return call('/v1/me/identity/liveness', {
    token,
    body: { channel: 'h5', redirectUrl: returnUrl(), ...body },
  });
}

/** Opens the provider's page and clicks a choice, as the person does; returns where it sent them. */
async function playPage(url: string, choice: 'pass' | 'not_live' | 'other_person' | 'abandon'): Promise<URL> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain(`data-choice="${choice}"`);
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1] as string;
  const action = new URL(/action="([^"]+)"/.exec(html)?.[1] as string, url);
  const back = await fetch(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, choice }).toString(),
    redirect: 'manual',
  });
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location') as string);
}

const result = (token: string, livenessId: string) =>
  call(`/v1/me/identity/liveness/${livenessId}/result`, { token, method: 'POST' });

async function hospitalToken(clientId: string, secret: string, scope?: string) {
  return call('/v1/hospital/oauth/token', {
    rawBody: new URLSearchParams({
      grant_type: 'client_credentials',
      ...(scope ? { scope } : {}),
    }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
  });
}

describe('real-person verification (实人认证) over HTTP', () => {
  it('passes a person through Tencent FaceID: the H5 page, the return to our page, the outcome pulled by the server', async () => {
    const run = await captureOutput(async () => {
      const { token } = await verifiedAccount(person('李四'));
      const before = await call('/v1/me/identity', { token });
      expect(before.body).toMatchObject({ verified: true, assurance: { level: 'two_element' } });

      const started = await start(token);
      expect(started.status, started.text).toBe(201);
      expect(started.body).toMatchObject({ provider: 'tencent', channel: 'h5' });
      expect(started.body.url).toContain('/liveness/tencent?token=');
      expect(started.body.bizToken).toBeUndefined();
      // Tencent was asked for this person with our landing page (and our check id) as the way back.
      const asked = local.runtime.faceid.liveness.started.at(-1);
      expect(asked).toMatchObject({ name: '李四', idNumber: person('李四').idNumber });
      expect(asked?.returnUrl).toBe(`${returnUrl()}?livenessId=${started.body.livenessId}`);

      // Not done yet: 409, and the check stays open.
      expect((await result(token, started.body.livenessId)).body.code).toBe('liveness_unfinished');

      const back = await playPage(started.body.url, 'pass');
      expect(back.origin + back.pathname).toBe(returnUrl());
      expect(back.searchParams.get('livenessId')).toBe(started.body.livenessId);

      const passed = await result(token, started.body.livenessId);
      expect(passed.status, passed.text).toBe(200);
      expect(passed.body).toMatchObject({
        status: 'passed',
        provider: 'tencent',
        similarity: 92.41,
        subject: 'self',
        assurance: { level: 'real_person', method: 'tencent' },
      });
      // Asked again (and at once, twice): the recorded outcome, one audit entry.
      const again = await Promise.all([
        result(token, started.body.livenessId),
        result(token, started.body.livenessId),
      ]);
      for (const r of again) expect(r.body).toMatchObject({ status: 'passed' });
      expect((await call('/v1/me/identity', { token })).body.assurance).toMatchObject({
        level: 'real_person',
      });

      const exported = (await call('/v1/me/export', { token })).body;
      expect(exported.identity).toMatchObject({ assurance: 'real_person', realPersonMethod: 'tencent' });
      expect(exported.realPersonChecks).toEqual([
        expect.objectContaining({
          livenessId: started.body.livenessId,
          result: 'passed',
          code: 'tencent:0',
          similarity: 92.41,
        }),
      ]);
      const outcomes = exported.audit.filter(
        (e: { event: string; detail?: { livenessId?: string } }) =>
          e.event === 'identity.liveness' && e.detail?.livenessId === started.body.livenessId,
      );
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0].detail).toMatchObject({ result: 'passed', billed: true });
    });
    output += run.output;
    // Only text results were ever asked for: no ID card image, best frame or video.
    expect(new Set(local.runtime.faceid.infoTypes)).toEqual(new Set(['1']));
  });

  it("reaches Tencent's failure families: not live, another person, no photo on record, retry limit, abandoned then expired", async () => {
    const run = await captureOutput(async () => {
      const { token } = await verifiedAccount(someone());
      const expectFailure = async (choice: 'not_live' | 'other_person', code: string) => {
        const started = await start(token);
        await playPage(started.body.url, choice);
        const failed = await result(token, started.body.livenessId);
        expect(failed.status).toBe(422);
        expect(failed.type).toContain('application/problem+json');
        expect(failed.body).toMatchObject({ code, livenessId: started.body.livenessId });
      };
      await expectFailure('not_live', 'liveness_not_live');
      await expectFailure('other_person', 'liveness_face_mismatch');

      const abandoned = await start(token);
      await playPage(abandoned.body.url, 'abandon');
      const open = await result(token, abandoned.body.livenessId);
      expect(open.status).toBe(409);
      expect(open.body.code).toBe('liveness_unfinished');
      expect(open.headers.get('retry-after')).toBe('5');
      local.runtime.faceid.liveness.expire(local.runtime.faceid.liveness.latest()?.token as string);
      const expired = await result(token, abandoned.body.livenessId);
      expect(expired.status).toBe(410);
      expect(expired.body.code).toBe('liveness_expired');

      // Name and number disagreeing at the provider, and an ID card problem (the counter helps):
      // another account, this one has used most of its five starts today.
      const other = await verifiedAccount(someone());
      for (const [code, status, problem] of [
        [2006, 422, 'identity_mismatch'],
        [301, 422, 'liveness_document_problem'],
      ] as const) {
        local.runtime.faceid.forceResult(code);
        try {
          const started = await start(other.token);
          await playPage(started.body.url, 'pass');
          const answer = await result(other.token, started.body.livenessId);
          expect(answer.status, String(code)).toBe(status);
          expect(answer.body.code).toBe(problem);
        } finally {
          local.runtime.faceid.forceResult(undefined);
        }
      }

      local.runtime.faceid.forceResult(16);
      try {
        const limited = await start(token);
        await playPage(limited.body.url, 'pass');
        const refused = await result(token, limited.body.livenessId);
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('too_many_attempts');
      } finally {
        local.runtime.faceid.forceResult(undefined);
      }
      // The account still holds two-element assurance only.
      expect((await call('/v1/me/identity', { token })).body.assurance.level).toBe('two_element');

      // Someone whose record has no photo: the face check cannot help, the counter can.
      const photoless = await verifiedAccount(noPhoto(0));
      const started = await start(photoless.token);
      await playPage(started.body.url, 'pass');
      const answer = await result(photoless.token, started.body.livenessId);
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'liveness_no_record', alternative: 'counter_attestation' });
    });
    output += run.output;
  });

  it('runs Alibaba Cloud for a hospital that names it, needs the client meta info, and reaches its families', async () => {
    const run = await captureOutput(async () => {
      const { token } = await verifiedAccount(someone());
      const noMeta = await start(token, { hospitalId: 'h-ruijin' });
      expect(noMeta.status).toBe(400);
      expect(noMeta.body.code).toBe('liveness_meta_required');

      const outcomes: Array<[Parameters<typeof playPage>[1], number, string | undefined]> = [
        ['not_live', 422, 'liveness_not_live'],
        ['other_person', 422, 'liveness_face_mismatch'],
        ['abandon', 422, 'liveness_abandoned'],
        ['pass', 200, undefined],
      ];
      for (const [choice, status, code] of outcomes) {
        const started = await start(token, { hospitalId: 'h-ruijin', metaInfo });
        expect(started.status, started.text).toBe(201);
        expect(started.body.provider).toBe('aliyun');
        expect(started.body.url).toContain('/liveness/aliyun?token=');
        const back = await playPage(started.body.url, choice);
        expect(back.searchParams.get('livenessId')).toBe(started.body.livenessId);
        const answer = await result(token, started.body.livenessId);
        expect(answer.status, `${choice}: ${answer.text}`).toBe(status);
        if (code) expect(answer.body.code).toBe(code);
        else
          expect(answer.body).toMatchObject({
            provider: 'aliyun',
            similarity: 93.18,
            assurance: { level: 'real_person' },
          });
      }

      // Not yet done at Aliyun (Code 403): 409, the check stays open.
      const open = await start(token, { hospitalId: 'h-ruijin', metaInfo });
      const pending = await result(token, open.body.livenessId);
      expect(pending.status).toBe(409);
      expect(pending.body.code).toBe('liveness_unfinished');

      // Refusals at the start are about the person: no failover, the person is told.
      local.runtime.cloudauth.refuseWith('418');
      try {
        const refused = await start(token, { hospitalId: 'h-ruijin', metaInfo });
        expect(refused.status).toBe(429);
        expect(refused.body.code).toBe('too_many_attempts');
      } finally {
        local.runtime.cloudauth.refuseWith(undefined);
      }
      const photoless = await verifiedAccount(noPhoto(1));
      const started = await start(photoless.token, { hospitalId: 'h-ruijin', metaInfo });
      await playPage(started.body.url, 'pass');
      expect((await result(photoless.token, started.body.livenessId)).body).toMatchObject({
        code: 'liveness_no_record',
        alternative: 'counter_attestation',
      });
    });
    output += run.output;
  });

  it('fails over to the other provider only when the first cannot start a check', async () => {
    const { token } = await verifiedAccount(someone());
    local.runtime.faceid.failStarts(true);
    try {
      const moved = await start(token, { metaInfo });
      expect(moved.status, moved.text).toBe(201);
      expect(moved.body.provider).toBe('aliyun');
      // Without the device fingerprint Aliyun cannot run: nothing to fail over to.
      const none = await start(token);
      expect(none.status).toBe(503);
      expect(none.body.code).toBe('liveness_unavailable');
    } finally {
      local.runtime.faceid.failStarts(false);
    }
    // A check already running stays with its provider: its result is never asked of the other.
    const running = await start(token);
    expect(running.body.provider).toBe('tencent');
    local.runtime.faceid.failStarts(true);
    try {
      await playPage(running.body.url, 'pass');
      expect((await result(token, running.body.livenessId)).body).toMatchObject({
        provider: 'tencent',
        status: 'passed',
      });
    } finally {
      local.runtime.faceid.failStarts(false);
    }
  });

  it('needs the separate face consent, a verified identity, and an allowed return address', async () => {
    const noConsent = await verifiedAccount(someone(), ['sensitive_identity']);
    const refused = await start(noConsent.token);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'consent_required', purpose: 'face_recognition' });
    // Consenting to face recognition is its own act; withdrawing it stops new checks at once.
    await call('/v1/me/consents', {
      token: noConsent.token,
      body: { purpose: 'face_recognition', policyVersion: '2026-11-01', accepted: true },
    });
    expect((await start(noConsent.token)).status).toBe(201);
    await call('/v1/me/consents', {
      token: noConsent.token,
      body: { purpose: 'face_recognition', policyVersion: '2026-11-01', accepted: false },
    });
    expect((await start(noConsent.token)).body.code).toBe('consent_required');

    const unverified = await verifiedAccount(null);
    expect((await start(unverified.token)).body.code).toBe('real_name_required');

    const { token } = await verifiedAccount(someone());
    for (const redirectUrl of [
      undefined,
      'https://evil.example/liveness/return',
      `${local.runtime.url.replace('127.0.0.1', 'localhost')}/x`,
    ]) {
      const bad = await start(token, { redirectUrl });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('liveness_redirect_not_allowed');
    }
    // The SDK channels get the provider's token instead of a page.
    const app = await call('/v1/me/identity/liveness', { token, body: { channel: 'wechat_miniprogram' } });
    expect(app.status).toBe(201);
    expect(app.body.url).toBeUndefined();
    expect(app.body.bizToken).toMatch(/^[0-9A-F-]{36}$/);
  });

  it('as an attacker: a stranger’s check id, a forged return, a guessed id, too many starts', async () => {
    const victim = await verifiedAccount(someone());
    const started = await start(victim.token);
    await playPage(started.body.url, 'not_live');

    const stranger = await verifiedAccount(someone());
    const theirs = await result(stranger.token, started.body.livenessId);
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('liveness_not_found');
    expect((await result(stranger.token, 'AAAAAAAAAAAAAAAAAAAAAA')).body.code).toBe('liveness_not_found');
    expect((await result(stranger.token, '../../identity')).status).toBe(404);

    // The return page's query string claims a pass: the server asks the provider and says no.
    const forged = await fetch(
      `${returnUrl()}?livenessId=${started.body.livenessId}&token=x&result=pass&ErrCode=0`,
    );
    expect(forged.status).toBeLessThan(500);
    const truth = await result(victim.token, started.body.livenessId);
    expect(truth.body.code).toBe('liveness_not_live');
    expect((await call('/v1/me/identity', { token: victim.token })).body.assurance.level).toBe('two_element');

    // Five starts a day per account; the sixth is refused before any provider is paid.
    const sequential = await verifiedAccount(someone());
    const paidBefore = local.runtime.faceid.liveness.started.length;
    for (let i = 0; i < 5; i++) expect((await start(sequential.token)).status).toBe(201);
    const sixth = await start(sequential.token);
    expect(sixth.status).toBe(429);
    expect(sixth.body.code).toBe('too_many_attempts');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(local.runtime.faceid.liveness.started.length - paidBefore).toBe(5);
    // Eight at once: never more than five get through (two windows counted at once may refuse
    // one more than needed, never one less), and only those reach the provider.
    const burst = await verifiedAccount(someone());
    const before = local.runtime.faceid.liveness.started.length;
    const answers = await Promise.all(Array.from({ length: 8 }, () => start(burst.token)));
    const through = answers.filter((a) => a.status === 201).length;
    expect(through).toBeLessThanOrEqual(5);
    expect(through).toBeGreaterThanOrEqual(2);
    expect(answers.every((a) => a.status === 201 || a.body.code === 'too_many_attempts')).toBe(true);
    expect(local.runtime.faceid.liveness.started.length - before).toBe(through);
  });

  it('lets a guardian check a child under 14 on a card, with guardian consent; adults check themselves', async () => {
    const { token } = await verifiedAccount(someone());
    const child = { name: '李小宝', idNumber: withCheck('44030520180101123') };
    const card = await call('/v1/me/cards', {
      token,
      headers: { 'idempotency-key': 'e2e-liveness-child' },
      body: {
        hospitalId: 'h-pumch',
        relationship: '20',
        ...child,
        idType: '01',
        phone: '13900009999',
        insuranceType: '02',
        guardianConsent: { accepted: true, policyVersion: '2026-11-01' },
      },
    });
    expect(card.status, card.text).toBe(201);
    const cardId = card.body.card.id as string;
    const noGuardian = await start(token, { cardId });
    expect(noGuardian.status).toBe(428);
    expect(noGuardian.body.code).toBe('guardian_consent_required');
    const started = await start(token, {
      cardId,
      guardianConsent: { accepted: true, policyVersion: '2026-11-01' },
    });
    expect(started.status, started.text).toBe(201);
    expect(local.runtime.faceid.liveness.started.at(-1)).toMatchObject({
      name: '李小宝',
      idNumber: child.idNumber,
    });
    const consents = (await call('/v1/me/export', { token })).body.consents;
    expect(consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ purpose: 'guardian_face_recognition', by: 'guardian' }),
      ]),
    );

    const adult = await call('/v1/me/cards', {
      token,
      headers: { 'idempotency-key': 'e2e-liveness-adult' },
      body: {
        hospitalId: 'h-pumch',
        relationship: '52',
        name: '李母',
        idNumber: withCheck('44030519600101222'),
        idType: '01',
        phone: '13900009998',
        insuranceType: '02',
      },
    });
    expect(adult.status).toBe(201);
    const refused = await start(token, {
      cardId: adult.body.card.id,
      guardianConsent: { accepted: true, policyVersion: '2026-11-01' },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('liveness_self_only');
  });

  it('opens cards at a hospital that requires a real person only after a face check or the counter', async () => {
    const self = someone();
    const { token } = await verifiedAccount(self);
    const body = (key: string) => ({
      token,
      headers: { 'idempotency-key': key },
      body: {
        hospitalId: 'h-ruijin',
        relationship: '01',
        ...self,
        idType: '01',
        phone: '13900008888',
        insuranceType: '02',
      },
    });
    const refused = await call('/v1/me/cards', body('e2e-ruijin-1'));
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'real_person_required', hospitalId: 'h-ruijin' });
    const started = await start(token, { hospitalId: 'h-ruijin', metaInfo });
    await playPage(started.body.url, 'pass');
    expect((await result(token, started.body.livenessId)).status).toBe(200);
    const created = await call('/v1/me/cards', body('e2e-ruijin-2'));
    expect(created.status, created.text).toBe(201);
  });

  it('accepts a counter attestation for the person an attestation code names, from a hospital with identity:attest', async () => {
    const holder = noPhoto(2);
    const { token } = await verifiedAccount(holder);
    const issued = await call('/v1/me/identity/attestation-codes', {
      token,
      body: { hospitalId: 'h-pumch' },
    });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.body).toMatchObject({
      code: expect.stringMatching(/^\d{8}$/),
      qr: `po-attest:1:${issued.body.code}`,
      subject: 'account_holder',
      hospitalId: 'h-pumch',
    });
    const attest = (hospitalBearer: string, over: Record<string, string> = {}) =>
      call('/v1/hospital/identity-attestations', {
        headers: { authorization: `Bearer ${hospitalBearer}` },
        body: {
          attestationCode: issued.body.code,
          staffId: 'HZ-0451',
          documentType: 'resident_id_card',
          documentNumber: holder.idNumber,
          ...over,
        },
      });

    // A client without the scope cannot even ask for it, and its tokens do not carry it.
    expect((await hospitalToken('renji-his', 'local-renji-his-secret', 'identity:attest')).body.code).toBe(
      'invalid_scope',
    );
    const renji = (await hospitalToken('renji-his', 'local-renji-his-secret')).body.access_token as string;
    const noScope = await attest(renji);
    expect(noScope.status).toBe(403);
    expect(noScope.body.code).toBe('insufficient_scope');
    // A token for reading only is refused too, even from the hospital that may attest.
    const readOnly = (await hospitalToken('pumch-his', 'local-pumch-his-secret', 'patients:read')).body
      .access_token as string;
    expect((await attest(readOnly)).body.code).toBe('insufficient_scope');
    // A user's token is no hospital's.
    expect((await attest(token)).status).toBe(401);

    const pumch = (await hospitalToken('pumch-his', 'local-pumch-his-secret', 'identity:attest')).body
      .access_token as string;
    // No code, a guessed one: nothing recorded.
    const { attestationCode: _none, ...withoutCode } = {
      attestationCode: '',
      staffId: 'HZ-0451',
      documentType: 'resident_id_card',
      documentNumber: holder.idNumber,
    };
    const missing = await call('/v1/hospital/identity-attestations', {
      headers: { authorization: `Bearer ${pumch}` },
      body: withoutCode,
    });
    expect(missing.status).toBe(400);
    const guessed = await attest(pumch, {
      attestationCode: issued.body.code === '12345678' ? '87654321' : '12345678',
    });
    expect(guessed.status).toBe(404);
    expect(guessed.body.code).toBe('attestation_code_invalid');
    expect((await call('/v1/me/identity', { token })).body.assurance.level).toBe('two_element');

    const ok = await attest(pumch);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({
      subject: 'account_holder',
      assurance: 'real_person',
      hisPatientId: null,
    });
    expect((await call('/v1/me/identity', { token })).body.assurance).toMatchObject({
      level: 'real_person',
      method: 'counter',
    });
    // The code is used up.
    expect((await attest(pumch)).body.code).toBe('attestation_code_invalid');
    const exported = (await call('/v1/me/export', { token })).body;
    expect(exported.realPersonChecks[0]).toMatchObject({
      provider: 'counter',
      result: 'passed',
      attestedBy: { hospitalId: 'h-pumch', documentType: 'resident_id_card' },
    });
    // The staff number is the staff's personal information: sealed in the table, not in the export.
    expect(JSON.stringify(exported)).not.toContain('HZ-0451');
  });

  it("never raises an impostor who verified with a leaked name and ID number: the desk sees the impostor's own document", async () => {
    const victim = someone();
    // The impostor knows the victim's name and number, verifies as them and opens a self card.
    const impostor = await verifiedAccount(victim);
    const issued = await call('/v1/me/identity/attestation-codes', {
      token: impostor.token,
      body: { hospitalId: 'h-pumch' },
    });
    expect(issued.status).toBe(201);
    const pumch = (await hospitalToken('pumch-his', 'local-pumch-his-secret', 'identity:attest')).body
      .access_token as string;
    // At the desk the impostor shows their own ID card: its number is not the victim's.
    const refused = await call('/v1/hospital/identity-attestations', {
      headers: { authorization: `Bearer ${pumch}` },
      body: {
        attestationCode: issued.body.code,
        staffId: 'HZ-0452',
        documentType: 'resident_id_card',
        documentNumber: someone().idNumber,
      },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('attestation_document_mismatch');
    expect((await call('/v1/me/identity', { token: impostor.token })).body.assurance.level).toBe(
      'two_element',
    );
    // The old way in, by patient id alone, is gone.
    const old = await call('/v1/hospital/patients/P100001/identity-attestation', {
      headers: { authorization: `Bearer ${pumch}` },
      body: { staffId: 'HZ-0452', documentType: 'resident_id_card' },
    });
    expect(old.status).toBe(404);
  });

  it('keeps no face image, staff number, provider token or ID number in plaintext in the table or the logs', async () => {
    const text = await rawTableText(localDynamo(), local.runtime.tableName);
    expect(text).toContain('LIVENESS#');
    for (const secret of [
      FACE_IMAGE_MARKER,
      'HZ-0451',
      person('李四').idNumber,
      ...local.runtime.faceid.liveness.started.map((s) => s.idNumber),
    ]) {
      expect(text, secret).not.toContain(secret);
      expect(output, secret).not.toContain(secret);
    }
    for (const session of [
      local.runtime.faceid.liveness.latest(),
      local.runtime.cloudauth.liveness.latest(),
    ]) {
      expect(text).not.toContain(session?.token as string);
      expect(output).not.toContain(session?.token as string);
    }
  });
});
