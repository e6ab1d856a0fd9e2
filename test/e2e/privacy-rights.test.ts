import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { identityFixtures } from '../../bin/local/standins/identity';
import { stages } from '../../functions/core/config';
import { BlindIndexer } from '../../functions/crypto/blind-index';
import { loadLocalKeyMaterial } from '../../functions/crypto/local-key-source';
import { checkCharacter } from '../../functions/kernel/person/id-number';
import { dueAfterWorkingDays } from '../../functions/privacy/working-days';
import { apiClient } from '../helpers/api-client';
import { captureOutput } from '../helpers/capture-logs';
import { localDynamo } from '../helpers/dynamo';
import { runtimePerFile } from '../helpers/local-runtime';
import { operatorCli } from '../helpers/operator-cli';

const withCheck = (first17: string) => first17 + checkCharacter(first17);

const local = runtimePerFile('privacy', {
  // The tests run the jobs themselves, at the moments they check.
  jobs: { deletionsMs: 0, retentionMs: 0 },
});

const { call, sendCode, login } = apiClient(
  () => local.runtime.url,
  () => local.dataDir,
);

async function scanAll(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await localDynamo().send(
      new ScanCommand({ TableName: local.runtime.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
}

/** Which export section shows each kind of item in the account's partition. */
const sectionOf = (sk: string) =>
  sk === 'PROFILE'
    ? 'profile'
    : sk === 'IDENTITY'
      ? 'identity'
      : (
          [
            ['CARD#', 'cards'],
            ['SESSION#', 'sessions'],
            ['CONSENT#', 'consents'],
            ['IDP#', 'linkedLogins'],
            ['REQUEST#', 'requests'],
            // Derived state of what is listed: the count and people of the account's cards at each hospital.
            ['CARDS#', 'cards'],
          ] as const
        ).find(([prefix]) => sk.startsWith(prefix))?.[1];

describe('rights: export, account deletion, re-registration', () => {
  it('exports every item held; deletion leaves only storage-only records and frees phone and ID number', async () => {
    const phone = '13700001111';
    const first = await login(phone);
    const token = first.accessToken;
    const userId = first.user.id;
    for (const purpose of ['sensitive_identity', 'medical_card']) {
      const given = await call('/v1/me/consents', {
        token,
        body: { purpose, policyVersion: '2026-11-01', accepted: true },
      });
      expect(given.status).toBe(201);
    }
    const zhang = identityFixtures.find((p) => p.name === '张三') as { name: string; idNumber: string };
    expect(
      (await call('/v1/me/identity/verify', { token, body: { ...zhang, idType: 'resident' } })).status,
    ).toBe(200);
    const base = { idType: '01', phone, insuranceType: '01' };
    const cards = [
      { hospitalId: 'h-pumch', relationship: '01', ...zhang },
      {
        hospitalId: 'h-renji',
        relationship: '30',
        name: '张小妹',
        idNumber: withCheck('31010420200101224'),
        guardianConsent: { accepted: true, policyVersion: '2026-11-01' },
      },
    ];
    for (const [i, card] of cards.entries()) {
      const created = await call('/v1/me/cards', {
        token,
        body: { ...base, ...card },
        headers: { 'idempotency-key': `privacy-${i}` },
      });
      expect(created.status).toBe(201);
      expect(created.body.card.status).toBe('active');
    }

    // Access and copy: every item of the account's partition shows in its section of the export.
    const exported = await call('/v1/me/export', { token });
    expect(exported.status).toBe(200);
    const held = (await scanAll()).filter((i) => i.pk === `USER#${userId}`);
    expect(held.length).toBeGreaterThan(10);
    for (const item of held) {
      const section = sectionOf(String(item.sk));
      expect(section, `item ${String(item.sk)} has no export section`).toBeDefined();
      expect(exported.body[section as string], `section ${section} for ${String(item.sk)}`).toBeTruthy();
    }
    const count = (prefix: string) => held.filter((i) => String(i.sk).startsWith(prefix)).length;
    expect(exported.body.cards).toHaveLength(count('CARD#'));
    expect(exported.body.sessions).toHaveLength(count('SESSION#'));
    expect(exported.body.consents).toHaveLength(count('CONSENT#'));
    expect(exported.body.identity).toMatchObject({ name: '张三', idNumber: zhang.idNumber });
    const hisIds = exported.body.cards.map((c: { hisPatientId: string }) => c.hisPatientId);
    expect(hisIds.every((id: string) => local.runtime.his.patients.get(id)?.active === true)).toBe(true);

    // An open request of the account: answered by the deletion, then kept storage-only.
    const objection = await call('/v1/me/requests', {
      token,
      body: { kind: 'objection', details: '不同意用于营销。' },
    });
    expect(objection.status).toBe(202);

    // Step-up: a wrong code is refused; the same right code sent twice at once closes the account once.
    const stepUp = await sendCode(phone, 'step_up');
    const wrong = await call('/v1/me/deletion', {
      token,
      body: { ...stepUp, phone, code: stepUp.code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.body.code).toBe('otp_invalid');
    const attempts = await Promise.all(
      [1, 2].map(() => call('/v1/me/deletion', { token, body: { ...stepUp, phone } })),
    );
    const accepted = attempts.filter((a) => a.status === 202);
    expect(accepted).toHaveLength(1);
    expect(attempts.find((a) => a.status !== 202)?.status).toBeGreaterThanOrEqual(400);
    const request = accepted[0]?.body;
    expect(request).toMatchObject({ kind: 'account_deletion', status: 'received', completedAt: null });
    expect(Date.parse(request.dueAt)).toBe(
      dueAfterWorkingDays(Date.parse(request.receivedAt), 15, stages.local.privacy.calendar),
    );

    // Signed out everywhere at once; the request can be followed by its id.
    expect((await call('/v1/me', { token })).status).toBe(401);
    expect(
      (await call('/v1/auth/token/refresh', { body: { refreshToken: first.refreshToken } })).status,
    ).toBe(401);
    expect((await call(`/v1/privacy/requests/${request.requestId}`)).body.status).toBe('received');

    // A HIS outage defers the job; the next run finishes it.
    local.runtime.his.mode = 'down';
    expect(await local.runtime.runJob('deletions')).toEqual({ completed: 0, failed: 1 });
    local.runtime.his.mode = 'ok';
    const { result: run, output } = await captureOutput(() => local.runtime.runJob('deletions'));
    expect(run).toEqual({ completed: 1, failed: 0 });
    // The job logs ids and counts only (at DEBUG too): no name, number, phone or hospital id.
    expect(output).toContain('account erased');
    for (const secret of [zhang.name, zhang.idNumber, phone, ...hisIds]) expect(output).not.toContain(secret);
    const done = await call(`/v1/privacy/requests/${request.requestId}`);
    expect(done.body).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect((await call(`/v1/privacy/requests/${objection.body.requestId}`)).body.status).toBe('completed');
    expect(hisIds.every((id: string) => local.runtime.his.patients.get(id)?.active === false)).toBe(true);

    // What is left of the account: audit entries (security log) and records marked storage-only.
    const keys = loadLocalKeyMaterial(join(local.dataDir, 'keys', 'local-keys.json'));
    const indexer = new BlindIndexer(keys.indexKey);
    const phoneToken = indexer.token('phone', `+86${phone}`);
    const idToken = indexer.token('id-number', zhang.idNumber);
    // Card events reach the hospitals' feeds asynchronously (the webhook queue): wait for both unbinds.
    const unbound = (items: Record<string, unknown>[]) =>
      items.filter((i) => String(i.sk).startsWith('EVENT#') && String(i.event).includes('"card.unbound"'));
    await expect.poll(async () => unbound(await scanAll()).length).toBe(2);
    const after = await scanAll();
    const mentions = (needle: string) => after.filter((i) => JSON.stringify(i).includes(needle));
    const leftovers = mentions(userId).filter((i) => !String(i.pk).startsWith('AUDIT#'));
    expect(leftovers.length).toBeGreaterThan(0);
    for (const item of leftovers) {
      expect(item, `${String(item.pk)} ${String(item.sk)}`).toMatchObject({ storageOnly: true });
      expect(item.ipPrefix).toBeUndefined();
      expect(item.userAgent).toBeUndefined();
      expect(Number(item.ttl)).toBeGreaterThan(Date.now() / 1000);
    }
    expect(leftovers.map((i) => String(i.sk).split('#')[0]).sort()).toEqual(
      expect.arrayContaining(['CONSENT', 'REQUEST']),
    );
    // Phone and ID number blind indexes are left only in the security log and in abuse counters
    // that expire within days (kept, or deleting an account would reset them).
    for (const token of [phoneToken, idToken]) {
      for (const item of mentions(token).filter((i) => !String(i.pk).startsWith('AUDIT#'))) {
        expect(`${String(item.pk)} ${String(item.sk)}`).toMatch(/^(RATE|LOCK)#/);
        expect(Number(item.ttl)).toBeLessThan(Date.now() / 1000 + 3 * 24 * 3600);
      }
    }
    expect(after.filter((i) => i.pk === `PHONE#${phoneToken}` || i.pk === `IDNUM#${idToken}`)).toEqual([]);
    // The hospitals' indexes of the cards are gone; their event feeds keep the card ids for a week,
    // ids and codes only: the `card.unbound` events are how a HIS behind a firewall learns of it.
    const hospitalItems = after.filter(
      (i) => String(i.pk).startsWith('CARDPERSON#') || String(i.pk).startsWith('HOSPITAL#'),
    );
    expect(hospitalItems.filter((i) => !String(i.sk).startsWith('EVENT#'))).toEqual([]);
    expect(unbound(hospitalItems)).toHaveLength(2);

    // The number registers again as a new account, and the ID number can be verified by it.
    const again = await login(phone);
    expect(again.user.isNew).toBe(true);
    expect(again.user.id).not.toBe(userId);
    await call('/v1/me/consents', {
      token: again.accessToken,
      body: { purpose: 'sensitive_identity', policyVersion: '2026-11-01', accepted: true },
    });
    const reverified = await call('/v1/me/identity/verify', {
      token: again.accessToken,
      body: { ...zhang, idType: 'resident' },
    });
    expect(reverified.status).toBe(200);
    expect((await call('/v1/me/requests', { token: again.accessToken })).body.requests).toEqual([]);
  }, 60_000);

  it('lists a signed-in person’s requests with status and due date, and exports them', async () => {
    const phone = '13700003333';
    const { accessToken: token } = await login(phone);
    expect((await call('/v1/me/requests', { token })).body).toEqual({ requests: [], next: null });
    const objection = await call('/v1/me/requests', {
      token,
      body: { kind: 'objection', details: '不同意将我的手机号用于就诊提醒以外的用途。' },
    });
    expect(objection.status).toBe(202);
    expect(objection.body).toMatchObject({ kind: 'objection', status: 'received' });
    expect(
      (await call('/v1/me/requests', { token, body: { kind: 'account_deletion', details: 'x' } })).status,
    ).toBe(400);
    const listed = await call('/v1/me/requests', { token });
    expect(listed.body.requests).toEqual([objection.body]);
    expect((await call('/v1/me/export', { token })).body.requests).toEqual([objection.body]);

    const stepUp = await sendCode(phone, 'step_up');
    const deletion = await call('/v1/me/deletion', { token, body: { ...stepUp, phone } });
    expect(deletion.status).toBe(202);
    // Signed out by the deletion: from now on the request is followed by its id.
    expect((await call('/v1/me/requests', { token })).status).toBe(401);
    expect((await call(`/v1/privacy/requests/${deletion.body.requestId}`)).body).toEqual(deletion.body);
  });
});

describe('rights requests that need a person', () => {
  it('records a relative’s request with an SMS-verified contact, due in 15 working days, listed for operators', async () => {
    const phone = '13700002222';
    const { challengeId, code } = await sendCode(phone, 'privacy_request');
    const body = {
      kind: 'deceased_relative',
      phone,
      challengeId,
      code,
      name: '刘备',
      details: '家父刘老汉已故，申请查阅并删除其个人信息。',
      subjectName: '刘老汉',
    };
    const wrong = await call('/v1/privacy/requests', {
      body: { ...body, code: code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('otp_invalid');
    const invalid = await call('/v1/privacy/requests', { body: { ...body, kind: 'account_deletion' } });
    expect(invalid.status).toBe(400);

    const { result: made, output } = await captureOutput(() => call('/v1/privacy/requests', { body }));
    expect(made.status).toBe(202);
    for (const secret of [body.name, body.details, body.subjectName, phone])
      expect(output).not.toContain(secret);
    expect(made.body).toMatchObject({ kind: 'deceased_relative', status: 'received' });
    expect(Date.parse(made.body.dueAt)).toBe(
      dueAfterWorkingDays(Date.parse(made.body.receivedAt), 15, stages.local.privacy.calendar),
    );
    expect((await call('/v1/privacy/requests', { body })).body.code).toBe('otp_invalid');
    expect((await call(`/v1/privacy/requests/${made.body.requestId}`)).body).toEqual(made.body);
    expect((await call('/v1/privacy/requests/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);

    // The contact is sealed: neither the name nor the number is in the table in plaintext.
    const text = JSON.stringify(await scanAll());
    expect(text).not.toContain('刘备');
    expect(text).not.toContain(phone);

    // Operators list open requests without personal data, open one (audited), and complete it.
    const run = (...args: string[]) => operatorCli('privacy-requests', args, local.runtime.operatorEnv);
    const listed = await run('list');
    expect(listed.stdout).toContain(made.body.requestId);
    expect(listed.stdout).toContain('deceased_relative');
    expect(listed.stdout).not.toContain('刘备');
    const shown = await run('show', made.body.requestId);
    expect(shown.stdout).toContain('刘备');
    expect(shown.stdout).toContain(`+86${phone}`);
    await run('complete', made.body.requestId);
    expect((await call(`/v1/privacy/requests/${made.body.requestId}`)).body.status).toBe('completed');
    expect((await run('list')).stdout).not.toContain(made.body.requestId);
  }, 60_000);

  it('limits requests per IP prefix, also when they arrive at once', async () => {
    const { max } = stages.local.privacy.requestLimits.perIp[0] as { max: number };
    const phones = Array.from({ length: max + 1 }, (_, i) => `1370001${String(i).padStart(4, '0')}`);
    // A network of its own: the count starts at zero whatever the file did before (a request of
    // an earlier test counted only until the hour's window turned, which made this flaky).
    const from = '127.0.41.1';
    const codes = [];
    for (const phone of phones) codes.push({ phone, ...(await sendCode(phone, 'privacy_request', from)) });
    const answers = await Promise.all(
      codes.map((c) =>
        call('/v1/privacy/requests', {
          from,
          body: { kind: 'cannot_log_in', ...c, name: '用户', details: '手机号已停用，无法登录。' },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(max);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(answers.find((a) => a.status === 429)?.body).toMatchObject({ code: 'rate_limited' });
  }, 60_000);
});
