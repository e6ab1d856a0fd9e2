import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { meterDynamo } from '../../../bench/call-meter';
import { exampleConfig } from '../../../bin/local/site';
import { type HisStandin, startHisStandin } from '../../../bin/local/standins/his';
import { loginWithCode } from '../../../functions/auth/login-with-code';
import { sendCode } from '../../../functions/auth/send-code';
import { followCardChanges } from '../../../functions/cards/card-changes';
import type { CreateCardInput } from '../../../functions/cards/card-service';
import {
  createCard,
  listCards,
  readCard,
  registerCard,
  sendCardProof,
  unbindCard,
  updateCard,
  verifyCardProof,
} from '../../../functions/cards/card-service';
import { DynamoCardStore } from '../../../functions/cards/dynamo-card-store';
import type { CardEvent } from '../../../functions/cards/events';
import type { CardsDeps, RegistrationJob } from '../../../functions/cards/ports';
import { cardChanges } from '../../../functions/cards/stream-filter';
import type { Identity } from '../../../functions/core/authorizer-context';
import { systemClock } from '../../../functions/core/clock';
import { DynamoIdentityStore } from '../../../functions/identity/dynamo-identity-store';
import { verifyIdentity } from '../../../functions/identity/verify-identity';
import { checkCharacter } from '../../../functions/kernel/person/id-number';
import { standinCredentials } from '../../../functions/providers/credentials';
import { FhirHisClient } from '../../../functions/providers/his/fhir-his-client';
import { SignedJsonHisClient } from '../../../functions/providers/his/signed-json-his-client';
import { UnconfiguredHisClient } from '../../../functions/providers/his/unconfigured-his-client';
import { type AuthHarness, authHarness } from '../../helpers/auth-harness';
import { captureOutput } from '../../helpers/capture-logs';
import { localDynamo, rawTableText } from '../../helpers/dynamo';
import { streamReader } from '../../helpers/stream';

const client = localDynamo();
let his: HisStandin;
let h: AuthHarness;
let deps: CardsDeps;
let queued: { job: RegistrationJob; delay: number }[];
let published: CardEvent[] = [];
let stream: ReturnType<typeof streamReader>;
let n = 0;

/** Runs the card-changes worker over what the table's stream holds since the last call. */
async function follow() {
  await followCardChanges(
    {
      config: deps.config,
      events: { publish: async (event) => void published.push(event) },
      queue: { enqueue: async (job, delay) => void queued.push({ job, delay }) },
    },
    await stream.changes(cardChanges),
  );
}

// A hospital system of its own for each test: it knows a person once (by ID number), as a real
// one does, so patients left by one test would be "already known" in the next.
beforeEach(async () => {
  his = await startHisStandin({
    fhirToken: standinCredentials.his['h-pumch'] as string,
    jsonClients: { 'patient-onboarding': standinCredentials.his['h-renji'] as string },
  });
});
afterEach(async () => {
  await his.close();
});
afterAll(() => {
  client.destroy();
});

const withCheck = (first17: string) => first17 + checkCharacter(first17);
const ZHANG = { name: '张三', idNumber: '11010519491231002X' };
const spouse = { name: '李梅', idNumber: withCheck('11010519520101002') };
let personCounter = 100;
/** A new adult the shared HIS stand-in has never seen (born 1960-1999). */
const stranger = () => {
  personCounter++;
  return {
    name: '王芳',
    idNumber: withCheck(
      `330106${1960 + (personCounter % 40)}0315${String(personCounter).padStart(3, '0').slice(-3)}`,
    ),
  };
};
const child = { name: '张小宝', idNumber: withCheck('11010520180601003') };
const POLICY = exampleConfig.auth.policy.version;

beforeEach(async () => {
  h = await authHarness(client);
  stream = streamReader(client, h.tableName);
  his.mode = 'ok';
  queued = [];
  published = [];
  const clients = {
    'h-pumch': new FhirHisClient({
      endpoint: `${his.url}fhir/`,
      token: standinCredentials.his['h-pumch'] as string,
      timeoutMs: 2000,
    }),
    'h-renji': new SignedJsonHisClient(
      {
        endpoint: his.url,
        clientId: 'patient-onboarding',
        secret: standinCredentials.his['h-renji'] as string,
        timeoutMs: 2000,
      },
      systemClock,
    ),
  };
  deps = {
    config: {
      ...exampleConfig.cards,
      registration: { ...exampleConfig.cards.registration, syncTimeoutMs: 500 },
    },
    hospitals: exampleConfig.hospitals,
    policyVersion: POLICY,
    clock: h.clock,
    store: new DynamoCardStore(h.table, {
      consent: (entry) => h.stores.consents.entryWrite(entry),
      audit: h.audit,
      code: (use) => h.stores.challenges.consumeWrite(use),
    }),
    codes: h.deps,
    identities: new DynamoIdentityStore(h.table, h.audit),
    indexer: h.indexer,
    audit: h.deps.audit,
    queue: { enqueue: async (job, delay) => void queued.push({ job, delay }) },
    his: (id) => clients[id as keyof typeof clients],
    cardIdFor: (userId, key) => h.indexer.token('card-id', `${userId}|${key}`).slice(0, 22),
    verificationLimits: exampleConfig.identity.limits,
    limiter: h.deps.limiter,
    consents: h.stores.consents,
    verifier: { name: 'test', verify: async (p) => (p.name === '假名' ? 'mismatch' : 'match') },
  };
});

/** A registered account, verified as 张三 unless told otherwise. */
async function account(verifyAs: { name: string; idNumber: string } | null = ZHANG): Promise<Identity> {
  n++;
  const phone = `1360000${String(n).padStart(4, '0')}`;
  const sent = await sendCode(h.deps, {
    phone,
    purpose: 'login',
    sourceIp: `198.20.${n % 250}.1`,
    ipPrefix: `198.20.${n % 250}.0/24`,
  });
  const login = await loginWithCode(h.deps, {
    challengeId: sent.challengeId,
    phone,
    code: h.sms.lastCodeFor(`+86${phone}`),
    acceptPolicyVersion: POLICY,
    client: { sourceIp: '198.18.0.1', ipPrefix: '198.18.0.0/24', userAgent: 'y' },
  });
  const who = { userId: login.user.id, sessionId: 's', amr: ['sms'] };
  await grant(login.user.id, 'medical_card', true);
  if (verifyAs) {
    await verifyIdentity(
      {
        config: exampleConfig.identity,
        clock: h.clock,
        store: new DynamoIdentityStore(h.table, h.audit),
        limiter: h.deps.limiter,
        audit: h.deps.audit,
        indexer: h.indexer,
        provider: { name: 'test', verify: async () => 'match' },
        consents: { current: async () => ({ accepted: true, policyVersion: POLICY }) },
      },
      who,
      { ...verifyAs, idType: 'resident' },
    );
  }
  return who;
}

async function grant(userId: string, purpose: 'medical_card', accepted: boolean) {
  const at = h.clock.now().getTime();
  await h.stores.consents.record(
    { userId, purpose, policyVersion: POLICY, accepted, at, ipPrefix: 'x', userAgent: 'y', by: 'self' },
    { event: 'consent.changed', userId, at },
  );
}

const card = (
  person: { name: string; idNumber: string },
  over: Partial<CreateCardInput> = {},
): CreateCardInput => ({
  hospitalId: 'h-pumch',
  relationship: '10',
  idType: '01',
  phone: '13800138000',
  insuranceType: '01',
  ...person,
  ...over,
});
let keyCounter = 0;
const key = () => `key-${++keyCounter}-${Date.now()}`;

describe('createCard', () => {
  it('creates self, spouse and child cards, registered with the FHIR and signed-JSON HIS', async () => {
    const who = await account();
    const self = await createCard(deps, who, card(ZHANG, { relationship: '01' }), key());
    h.clock.advance(1000);
    expect(self).toMatchObject({
      outcome: 'registered',
      card: {
        status: 'active',
        relationship: { code: '01' },
        nameMasked: '*三',
        idNumberMasked: '1101**********002X',
        phoneMasked: '138****8000',
      },
    });
    const wife = await createCard(deps, who, card(spouse, { hospitalId: 'h-renji' }), key());
    expect(wife.card.status).toBe('active');
    h.clock.advance(1000);
    const kid = await createCard(
      deps,
      who,
      card(child, { relationship: '20', guardianConsent: { accepted: true, policyVersion: POLICY } }),
      key(),
    );
    expect(kid.card).toMatchObject({ status: 'active', minor: true });
    expect((await listCards(deps, who)).cards.map((c) => c.relationship.code)).toEqual(['01', '10', '20']);
    const detail = await readCard(deps, who, kid.card.id);
    expect(detail).toMatchObject({
      name: '张小宝',
      idNumber: child.idNumber,
      hisPatientId: expect.stringMatching(/^P\d+$/),
      cardNo: expect.stringMatching(/^JZK/),
    });
  });

  it('needs the medical_card consent, and stops at once when it is withdrawn', async () => {
    const who = await account();
    await expect(createCard(deps, who, card(stranger()), key())).resolves.toMatchObject({
      outcome: 'registered',
    });
    h.clock.advance(1000);
    await grant(who.userId, 'medical_card', false);
    await expect(createCard(deps, who, card(stranger()), key())).rejects.toMatchObject({
      code: 'consent_required',
      extensions: { purpose: 'medical_card' },
    });
  });

  it('requires a verified account, and a self card to be the verified person', async () => {
    await expect(createCard(deps, await account(null), card(ZHANG), key())).rejects.toMatchObject({
      code: 'real_name_required',
    });
    await expect(
      createCard(deps, await account(), card(spouse, { relationship: '01' }), key()),
    ).rejects.toMatchObject({ code: 'self_mismatch' });
  });

  it('requires a child or grandchild relationship and guardian consent for patients under 14', async () => {
    const who = await account();
    await expect(
      createCard(
        deps,
        who,
        card(child, { relationship: '50', guardianConsent: { accepted: true, policyVersion: POLICY } }),
        key(),
      ),
    ).rejects.toMatchObject({ code: 'minor_relationship' });
    await expect(
      createCard(
        deps,
        who,
        card(child, { relationship: '97', guardianConsent: { accepted: true, policyVersion: POLICY } }),
        key(),
      ),
    ).rejects.toMatchObject({ code: 'minor_relationship' });
    await expect(createCard(deps, who, card(child, { relationship: '30' }), key())).rejects.toMatchObject({
      code: 'guardian_consent_required',
      extensions: { policyVersion: POLICY },
    });
    await expect(
      createCard(
        deps,
        who,
        card(child, {
          relationship: '97',
          guardian: true,
          guardianConsent: { accepted: true, policyVersion: POLICY },
        }),
        key(),
      ),
    ).resolves.toMatchObject({ outcome: 'registered' });
    expect(await rawTableText(client, h.tableName)).toContain('CONSENT#guardian_minor#');
  });

  it("checks relatives' ID numbers with the real-name rules, without paying a provider", async () => {
    const who = await account();
    await expect(
      createCard(deps, who, card({ name: '李梅', idNumber: '11010119900307867X' }), key()),
    ).rejects.toMatchObject({ code: 'card_invalid', extensions: { reason: 'id_check_character' } });
    await expect(
      createCard(deps, who, card({ name: 'John Smith', idNumber: 'E12345678' }, { idType: '03' }), key()),
    ).rejects.toMatchObject({ extensions: { reason: 'birth_date_required' } });
    await expect(
      createCard(
        deps,
        who,
        card({ name: 'John Smith', idNumber: 'E12345678' }, { idType: '03', birthDate: '1980-05-01' }),
        key(),
      ),
    ).resolves.toMatchObject({ outcome: 'registered' });
  });

  it('takes passport and travel-permit numbers only in their published shapes, never control or bidi characters', async () => {
    const who = await account();
    const doc = (idType: '03' | '06' | '07' | '99', idNumber: string, name = 'John Smith') =>
      createCard(deps, who, card({ name, idNumber }, { idType, birthDate: '1980-05-01' }), key());
    for (const [idType, idNumber] of [
      ['03', 'E1234\u202e5678'],
      ['03', 'E1234\u00005678'],
      ['03', 'E12345678\u200b'],
      ['03', 'E1-2345678'],
      ['03', 'AB1'],
      ['06', 'X12345678'],
      ['06', 'H1234567'],
      ['07', '1234567'],
      ['99', '<script>'],
    ] as const) {
      await expect(doc(idType, idNumber)).rejects.toMatchObject({
        code: 'card_invalid',
        extensions: { reason: 'id_format' },
      });
    }
    await expect(doc('03', 'John\u202eSmith' as string, 'John\u202eSmith')).rejects.toMatchObject({
      code: 'card_invalid',
    });
    // Full-width and lower-case input is normalised to what the HIS expects.
    const created = await doc('06', 'ｈ12345678', '陈大文');
    const full = await readCard(deps, who, created.card.id);
    expect(full.idNumber).toBe('H12345678');
    await expect(doc('07', '12345678', '林美玲')).resolves.toMatchObject({ outcome: 'registered' });
    // Nothing that reached a HIS holds a control or format character.
    const received = JSON.stringify([...his.patients.values()].map((p) => p.resource));
    expect(received).not.toMatch(/[\p{Cc}\p{Cf}]/u);
  });

  it('sends relatives to the paid check only where the hospital requires it, within its attempt limits', async () => {
    const who = await account();
    await expect(
      createCard(deps, who, card({ name: '假名', idNumber: stranger().idNumber }), key()),
    ).resolves.toMatchObject({ outcome: 'registered' });
    deps = { ...deps, hospitals: deps.hospitals.map((hp) => ({ ...hp, verifyRelatives: true })) };
    const suspect = { name: '假名', idNumber: stranger().idNumber };
    for (let i = 0; i < 3; i++) {
      await expect(
        createCard(deps, who, card(suspect, { hospitalId: 'h-renji' }), key()),
      ).rejects.toMatchObject({ code: 'identity_mismatch' });
    }
    await expect(
      createCard(deps, who, card(suspect, { hospitalId: 'h-renji' }), key()),
    ).rejects.toMatchObject({ code: 'too_many_attempts' });
  });

  it('returns the same card for the same Idempotency-Key and body, 409 for another body', async () => {
    const who = await account();
    const k = key();
    const first = await createCard(deps, who, card(spouse), k);
    const again = await createCard(deps, who, { ...card(spouse) }, k);
    expect(again.card.id).toBe(first.card.id);
    await expect(createCard(deps, who, card(spouse, { insuranceType: '02' }), k)).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
    expect((await listCards(deps, who)).cards).toHaveLength(1);
  });

  it('fingerprints nested fields: a changed guardianConsent under the same key is 409, not a replay', async () => {
    const who = await account();
    const k = key();
    const consent = { accepted: true, policyVersion: POLICY };
    await createCard(deps, who, card(spouse, { guardianConsent: consent }), k);
    // For an adult the consent is not checked, so only the fingerprint can tell the bodies apart.
    await expect(
      createCard(deps, who, card(spouse, { guardianConsent: { ...consent, accepted: false } }), k),
    ).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    // The same body with its nested keys in another order is the same request.
    await expect(
      createCard(deps, who, card(spouse, { guardianConsent: { policyVersion: POLICY, accepted: true } }), k),
    ).resolves.toMatchObject({ outcome: 'replayed' });
  });

  it('holds one card per person and the hospital limit under 12 parallel requests', async () => {
    const who = await account();
    const people = Array.from({ length: 12 }, (_, i) => ({
      name: `亲属${'甲乙丙丁戊己庚辛壬癸子丑'[i]}`,
      idNumber: withCheck(`320102197001${10 + i}123`),
    }));
    const results = await Promise.allSettled(
      people.map((p) => createCard(deps, who, card(p, { relationship: '97' }), key())),
    );
    const created = results.filter((r) => r.status === 'fulfilled');
    expect(created).toHaveLength(5);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('card_limit_reached');
    const same = await Promise.allSettled(
      Array.from({ length: 5 }, () => createCard(deps, who, card(spouse, { hospitalId: 'h-renji' }), key())),
    );
    expect(same.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('answers 202 pending while the HIS is down, and the worker makes it active without a second patient', async () => {
    const who = await account();
    his.mode = 'down';
    const before = his.patients.size;
    const pending = await createCard(deps, who, card(stranger()), key());
    expect(pending).toMatchObject({ outcome: 'pending', card: { status: 'pending' } });
    // The request queued nothing: the card's creation, read from the stream, starts its job.
    expect(queued).toEqual([]);
    await follow();
    expect(queued).toEqual([{ job: { userId: who.userId, cardId: pending.card.id, attempt: 2 }, delay: 5 }]);
    // Still down at the second attempt: the next one waits twice as long.
    await registerCard(deps, queued.shift()?.job as RegistrationJob);
    expect(queued[0]?.delay).toBe(10);
    his.mode = 'ok';
    const done = await registerCard(deps, queued.shift()?.job as RegistrationJob);
    expect(done?.status).toBe('active');
    expect(his.patients.size).toBe(before + 1);
    // A duplicate delivery of the job changes nothing.
    await registerCard(deps, { userId: who.userId, cardId: pending.card.id, attempt: 3 });
    expect(his.patients.size).toBe(before + 1);
  });

  it('treats a hospital whose HIS secret is missing as an HIS outage: 202 pending and retried, never a 500', async () => {
    const who = await account();
    const configured = deps;
    deps = { ...deps, his: (id) => (id === 'h-pumch' ? new UnconfiguredHisClient(id) : configured.his(id)) };
    try {
      const pending = await createCard(deps, who, card(stranger()), key());
      expect(pending).toMatchObject({ outcome: 'pending', card: { status: 'pending' } });
      await follow();
      expect(queued).toEqual([
        { job: { userId: who.userId, cardId: pending.card.id, attempt: 2 }, delay: 5 },
      ]);
      // The operator puts the secret in: the next attempt registers.
      deps = configured;
      const done = await registerCard(deps, queued.shift()?.job as RegistrationJob);
      expect(done?.status).toBe('active');
    } finally {
      deps = configured;
    }
  });

  it('unbinds at the HIS a patient it registered for a card unbound meanwhile', async () => {
    const who = await account();
    his.mode = 'down';
    const pending = await createCard(deps, who, card(stranger()), key());
    his.mode = 'ok';
    const record = await deps.store.get(who.userId, pending.card.id);
    // The owner unbinds the pending card while the worker is already talking to the HIS with it.
    await unbindCard(deps, who, pending.card.id);
    const before = new Set(his.patients.keys());
    expect(
      await registerCard(
        deps,
        { userId: who.userId, cardId: pending.card.id, attempt: 2 },
        { written: record, schedule: true },
      ),
    ).toBe(undefined);
    const created = [...his.patients.entries()].filter(([id]) => !before.has(id));
    expect(created).toHaveLength(1);
    expect(created[0]?.[1].active).toBe(false);
    queued.length = 0;
  });

  it('never makes a second patient when a registration is retried after the HIS answered too slowly', async () => {
    const who = await account();
    his.mode = 'slow';
    his.delayMs = 800;
    const person = stranger();
    const pending = await createCard(deps, who, card(person), key());
    expect(pending.card.status).toBe('pending');
    await new Promise((r) => setTimeout(r, 900));
    his.mode = 'ok';
    await follow();
    const done = await registerCard(deps, queued[0]?.job as RegistrationJob);
    expect(done?.status).toBe('active');
    const mine = [...his.patients.values()].filter((p) =>
      p.identifiers.includes(`urn:oid:2.16.156.10011.1.3|${person.idNumber}`),
    );
    expect(mine).toHaveLength(1);
  });

  it('marks a card failed when the HIS refuses it', async () => {
    his.mode = 'reject';
    const created = await createCard(deps, await account(), card(spouse), key());
    expect(created.card).toMatchObject({ status: 'failed', reason: 'his_rejected:http_400' });
    await follow();
    expect(published.map((e) => e.type)).toEqual(['card.registration_failed']);
  });
});

describe('changing and unbinding', () => {
  it('changes phone and insurance through the HIS, and unbinds', async () => {
    const who = await account();
    const created = await createCard(deps, who, card(spouse, { hospitalId: 'h-renji' }), key());
    const updated = await updateCard(deps, who, created.card.id, {
      phone: '139 0000 1111',
      insuranceType: '02',
    });
    expect(updated).toMatchObject({ phoneMasked: '139****1111', insuranceType: { code: '02' } });
    his.mode = 'down';
    await expect(unbindCard(deps, who, created.card.id)).rejects.toMatchObject({ code: 'his_unavailable' });
    his.mode = 'ok';
    await unbindCard(deps, who, created.card.id);
    expect(await listCards(deps, who)).toEqual({ cards: [], next: null });
    // The hospital heard of each change (from the table's stream), by ids and codes only.
    await follow();
    const types = published.filter((e) => e.cardId === created.card.id).map((e) => e.type);
    expect(types).toEqual(['card.created', 'card.updated', 'card.unbound']);
    expect(JSON.stringify(published)).not.toMatch(/李梅|13900001111|11010519520101/);
    // Unbinding gave back the person's place and the count. The hospital knows the spouse now
    // (by ID number), so the new binding waits for a code to the mobile it holds for them.
    await expect(
      createCard(deps, who, card(spouse, { hospitalId: 'h-renji' }), key()),
    ).resolves.toMatchObject({
      outcome: 'pending',
      card: { status: 'awaiting_proof', proof: { method: 'sms', phoneMasked: '139****1111' } },
    });
  });
});

describe('costs and privacy', () => {
  it('keeps names, ID numbers, phones and hospital ids out of the table and logs', async () => {
    const who = await account();
    const meter = meterDynamo(client);
    meter.reset();
    const { output, result } = await captureOutput(() => createCard(deps, who, card(spouse), key()));
    const calls = meter.calls;
    const detail = await readCard(deps, who, result.card.id);
    const raw = await rawTableText(client, h.tableName);
    for (const secret of [
      '李梅',
      spouse.idNumber,
      '13800138000',
      detail.hisPatientId as string,
      detail.cardNo as string,
      '1952-01-01',
    ]) {
      expect(raw).not.toContain(secret);
      expect(output).not.toContain(secret);
    }
    expect(raw).toContain('card.read');
    // A card creation: identity and owner checks, one transaction, audit, HIS result and patient write.
    expect(calls).toBeLessThanOrEqual(9);
  });
});

describe('a binding to a patient the hospital already had', () => {
  const proofCaller = { sourceIp: '198.19.7.1', ipPrefix: '198.19.7.0/24' };
  const patientAt = (id: string) => his.patients.get(id);

  it('waits for a code to the mobile on file, shows and changes nothing at the HIS until then', async () => {
    const known = stranger();
    const pid = his.seedPatient({ ...known, phone: '13911112222' });
    const who = await account();
    const created = await createCard(deps, who, card(known, { relationship: '10' }), key());
    expect(created).toMatchObject({
      outcome: 'pending',
      card: { status: 'awaiting_proof', proof: { method: 'sms', phoneMasked: '139****2222' } },
    });
    const id = created.card.id;
    expect(await readCard(deps, who, id)).toMatchObject({ hisPatientId: null, cardNo: null });
    // Neither a change nor an unbind reaches the patient at the HIS.
    await updateCard(deps, who, id, { phone: '13700001234' });
    expect(JSON.stringify(patientAt(pid)?.resource)).not.toContain('13700001234');

    // A wrong code proves nothing; the code to the mobile on file does.
    const sent = await sendCardProof(deps, who, id, proofCaller);
    expect(sent.phoneMasked).toBe('139****2222');
    const code = h.sms.lastCodeFor('+8613911112222');
    await expect(
      verifyCardProof(
        deps,
        who,
        id,
        { challengeId: sent.challengeId, code: code === '000000' ? '111111' : '000000' },
        proofCaller,
      ),
    ).rejects.toMatchObject({ code: 'otp_invalid' });
    const proven = await verifyCardProof(deps, who, id, { challengeId: sent.challengeId, code }, proofCaller);
    expect(proven.status).toBe('active');
    expect(await readCard(deps, who, id)).toMatchObject({ hisPatientId: pid });
    await expect(
      verifyCardProof(deps, who, id, { challengeId: sent.challengeId, code }, proofCaller),
    ).rejects.toMatchObject({
      code: 'card_proof_not_needed',
    });
    // Proven, it is still not this binding's patient: unbinding leaves it active at the HIS.
    await unbindCard(deps, who, id);
    expect(patientAt(pid)?.active).toBe(true);
    await follow();
    expect(published.filter((e) => e.cardId === id).map((e) => e.type)).toEqual([
      'card.created',
      'card.unbound',
    ]);
  });

  it('goes to the counter when the hospital holds no mobile; an unproven unbind tells the hospital nothing', async () => {
    const known = stranger();
    const pid = his.seedPatient(known);
    const who = await account();
    const created = await createCard(deps, who, card(known), key());
    expect(created.card).toMatchObject({ status: 'awaiting_proof', proof: { method: 'counter' } });
    await expect(sendCardProof(deps, who, created.card.id, proofCaller)).rejects.toMatchObject({
      code: 'card_proof_at_counter',
    });
    await unbindCard(deps, who, created.card.id);
    expect(patientAt(pid)?.active).toBe(true);
    await follow();
    expect(published.filter((e) => e.cardId === created.card.id)).toEqual([]);
  });

  it("binds the account holder's own record by the verified identity, and never deactivates it", async () => {
    const pid = his.seedPatient({ ...ZHANG, phone: '13911113333' });
    const who = await account(ZHANG);
    const self = await createCard(deps, who, card(ZHANG, { relationship: '01' }), key());
    expect(self).toMatchObject({ outcome: 'registered', card: { status: 'active' } });
    expect(await readCard(deps, who, self.card.id)).toMatchObject({ hisPatientId: pid });
    await unbindCard(deps, who, self.card.id);
    expect(patientAt(pid)?.active).toBe(true);
  });

  it('lets both parents bind one child; the first to unbind leaves the patient to the other', async () => {
    const mother = await account(ZHANG);
    const father = await account(spouse);
    const kid = { name: '张小宝', idNumber: withCheck('11010520190601004') };
    const guardian = { guardianConsent: { accepted: true, policyVersion: POLICY } };
    const first = await createCard(
      deps,
      mother,
      card(kid, { relationship: '20', phone: '13911114444', ...guardian }),
      key(),
    );
    expect(first.card.status).toBe('active');
    const pid = (await readCard(deps, mother, first.card.id)).hisPatientId as string;
    const second = await createCard(deps, father, card(kid, { relationship: '20', ...guardian }), key());
    expect(second.card).toMatchObject({ status: 'awaiting_proof', proof: { phoneMasked: '139****4444' } });
    const sent = await sendCardProof(deps, father, second.card.id, proofCaller);
    await verifyCardProof(
      deps,
      father,
      second.card.id,
      { challengeId: sent.challengeId, code: h.sms.lastCodeFor('+8613911114444') },
      proofCaller,
    );
    // Two proven bindings to one patient: the mother's unbind does not end the father's.
    await unbindCard(deps, mother, first.card.id);
    expect(patientAt(pid)?.active).toBe(true);
    expect((await readCard(deps, father, second.card.id)).hisPatientId).toBe(pid);
    // The last binding, which did not make the patient either, leaves it too.
    await unbindCard(deps, father, second.card.id);
    expect(patientAt(pid)?.active).toBe(true);
  });

  it('counts every new card as a HIS lookup of the day, whether or not it survives', async () => {
    const who = await account();
    const limit = deps.config.hisLookupsPerAccountDaily;
    for (let i = 0; i < limit; i++) {
      const made = await createCard(deps, who, card(stranger()), key());
      await unbindCard(deps, who, made.card.id);
    }
    await expect(createCard(deps, who, card(stranger()), key())).rejects.toMatchObject({
      code: 'too_many_attempts',
    });
    h.clock.advance(86_400_000);
    await expect(createCard(deps, who, card(stranger()), key())).resolves.toMatchObject({
      outcome: 'registered',
    });
  });
});
