import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import { Client } from 'fhir-kit-client';
import { describe, expect, it } from 'vitest';
import { lastMessage } from '../../bin/local/outbox';
import { identityFixtures } from '../../bin/local/standins/identity';
import { checkCharacter } from '../../functions/kernel/person/id-number';
import { runtimePerFile } from '../helpers/local-runtime';

const local = runtimePerFile('hospital');
const fhir = new JSONSchemaValidator();

const withCheck = (first17: string) => first17 + checkCharacter(first17);
const json = async (r: Response) => ({
  status: r.status,
  type: r.headers.get('content-type'),
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of several shapes, asserted field by field
  body: (await r.json()) as Record<string, any>,
});
const get = (path: string, token?: string) =>
  fetch(`${local.runtime.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }).then(
    json,
  );
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${local.runtime.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }).then(json);

const lastCode = (phone: string) => lastMessage(local.dataDir, phone).code;

async function hospitalToken(clientId: string, secret: string, scope?: string) {
  return fetch(`${local.runtime.url}/v1/hospital/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }).toString(),
  }).then(json);
}

/** The file's patient, made once: the FHIR client's tests read the same cards. */
let made: ReturnType<typeof makePatientWithCards> | undefined;
const patientWithCards = () => {
  made ??= makePatientWithCards();
  return made;
};

/** A verified account with a card for a relative at each hospital; returns the cards' details. */
async function makePatientWithCards() {
  const sent = await post('/v1/auth/sms/send', { phone: '13500001111', purpose: 'login' });
  const login = await post('/v1/auth/sms/verify', {
    challengeId: sent.body.challengeId,
    phone: '13500001111',
    code: lastCode('+8613500001111'),
    acceptPolicyVersion: '2026-11-01',
  });
  const token = login.body.accessToken as string;
  for (const purpose of ['sensitive_identity', 'medical_card']) {
    await post(
      '/v1/me/consents',
      { purpose, policyVersion: '2026-11-01', accepted: true },
      { authorization: `Bearer ${token}` },
    );
  }
  const li = identityFixtures.find((p) => p.name === '李四') as { name: string; idNumber: string };
  await post('/v1/me/identity/verify', { ...li, idType: 'resident' }, { authorization: `Bearer ${token}` });
  const mother = { name: '周慧', idNumber: withCheck('44030519600101222') };
  // biome-ignore lint/suspicious/noExplicitAny: card detail bodies, asserted field by field
  const cards: Record<string, any> = {};
  for (const hospitalId of ['h-pumch', 'h-renji']) {
    const created = await post(
      '/v1/me/cards',
      { hospitalId, relationship: '52', ...mother, idType: '01', phone: '13500001111', insuranceType: '02' },
      { authorization: `Bearer ${token}`, 'idempotency-key': `e2e-h-${hospitalId}` },
    );
    expect(created.status).toBe(201);
    cards[hospitalId] = (await get(`/v1/me/cards/${created.body.card.id}`, token)).body.card;
  }
  return { cards, mother, userToken: token };
}

describe('hospital API over HTTP', () => {
  it('issues client-credential tokens and refuses wrong, unknown or over-scoped clients', async () => {
    const ok = await hospitalToken('pumch-his', 'local-pumch-his-secret');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'patients:read events:read identity:attest',
    });
    for (const [id, secret] of [
      ['pumch-his', 'wrong'],
      ['nobody', 'x'],
    ]) {
      const refused = await hospitalToken(id as string, secret as string);
      expect(refused.status).toBe(401);
      // RFC 6749 5.2: JSON with `error` (what OAuth client libraries read), beside the problem's code.
      expect(refused.type).toContain('application/json');
      expect(refused.body).toMatchObject({ code: 'invalid_client', error: 'invalid_client' });
      expect(refused.body.error_description).toEqual(expect.any(String));
    }
    expect((await hospitalToken('pumch-his', 'local-pumch-his-secret', 'admin')).body).toMatchObject({
      code: 'invalid_scope',
      error: 'invalid_scope',
    });
  });

  it("lets a hospital read its own patient as JSON and FHIR R4, and not another hospital's", async () => {
    const { cards, mother, userToken } = await patientWithCards();
    const pumch = (await hospitalToken('pumch-his', 'local-pumch-his-secret')).body.access_token as string;
    const renji = (await hospitalToken('renji-his', 'local-renji-his-secret')).body.access_token as string;
    const pumchPatient = cards['h-pumch'].hisPatientId as string;

    const asJson = await get(`/v1/hospital/patients/${pumchPatient}`, pumch);
    expect(asJson.status).toBe(200);
    expect(asJson.body).toMatchObject({
      name: '周慧',
      idNumber: mother.idNumber,
      sex: 'female',
      birthDate: '1960-01-01',
      relationship: { code: '52' },
      insuranceType: { code: '02', insutype: '390' },
    });

    const patient = await get(`/fhir/r4/Patient/${pumchPatient}`, pumch);
    expect(patient.type).toContain('application/fhir+json');
    expect(fhir.validate(patient.body)).toEqual([]);
    expect(patient.body.identifier[0]).toEqual({
      use: 'official',
      type: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'NI' },
          // 身份证件类别代码表 (WS 364 CV02.01.101), by the OID WS/T 500 uses.
          { system: 'urn:oid:2.16.156.10011.2.3.1.1', code: '01', display: '居民身份证' },
        ],
        text: '居民身份证',
      },
      system: 'urn:oid:2.16.156.10011.1.3',
      value: mother.idNumber,
    });
    // The card number in this hospital's own system, and the name in its parts.
    expect(patient.body.identifier[1]).toMatchObject({
      type: { coding: [{ code: 'MR' }] },
      system: 'urn:patient-onboarding:hospital:h-pumch:card-no',
    });
    expect(patient.body.name[0]).toMatchObject({
      use: 'official',
      text: mother.name,
      family: mother.name.slice(0, 1),
    });

    const bundle = await get(
      `/fhir/r4/Patient?identifier=${encodeURIComponent(`urn:oid:2.16.156.10011.1.3|${mother.idNumber}`)}`,
      pumch,
    );
    expect(fhir.validate(bundle.body)).toEqual([]);
    expect(bundle.body.total).toBe(1);
    const types = bundle.body.entry.map(
      (e: { resource: { resourceType: string } }) => e.resource.resourceType,
    );
    expect(types).toEqual(['Patient', 'RelatedPerson', 'Coverage']);
    const related = bundle.body.entry[1].resource;
    expect(related.relationship[0].coding).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'MTH' }),
        // 家庭关系代码表 (GB/T 4761), by the OID WS/T 500 uses.
        expect.objectContaining({ system: 'urn:oid:2.16.156.10011.2.3.3.8', code: '52' }),
      ]),
    );
    expect(related.name).toEqual([{ use: 'official', text: '李四', family: '李', given: ['四'] }]);
    // Each include is its own resource: its fullUrl reads it, for this hospital only.
    for (const included of bundle.body.entry.slice(1)) {
      const url = new URL(included.fullUrl);
      expect(url.pathname).toBe(`/fhir/r4/${included.resource.resourceType}/${included.resource.id}`);
      const read = await get(url.pathname, pumch);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(included.resource);
      expect(fhir.validate(read.body)).toEqual([]);
      expect((await get(url.pathname, renji)).status).toBe(404);
    }
    // A guessed id, or a RelatedPerson id asked for as a Coverage, finds nothing.
    const relatedId = related.id as string;
    expect((await get(`/fhir/r4/Coverage/${relatedId}`, pumch)).status).toBe(404);
    expect(
      (await get(`/fhir/r4/RelatedPerson/${'A'.repeat(43)}-${relatedId.slice(44, 52)}-holder`, pumch)).status,
    ).toBe(404);
    expect(bundle.body.entry[2].resource.type.coding[0].system).toMatch(
      /^urn:(oid:2\.16\.156\.10011\.2\.3\.1\.248|patient-onboarding:insurance-type)$/,
    );

    // Renji's token cannot see Pumch's patient, by either id, and a user token is no hospital token.
    expect((await get(`/v1/hospital/patients/${pumchPatient}`, renji)).body.code).toBe('patient_not_found');
    expect((await get(`/fhir/r4/Patient/${pumchPatient}`, renji)).status).toBe(404);
    expect((await get(`/v1/hospital/patients/${pumchPatient}`, userToken)).status).toBe(401);
    expect((await get(`/v1/hospital/patients/${pumchPatient}`)).status).toBe(401);
    // And a hospital token opens no user routes.
    expect((await get('/v1/me', pumch)).status).toBe(401);

    // The patient's own export shows everything held, unmasked, and who read it.
    const exported = await get('/v1/me/export', userToken);
    expect(exported.status).toBe(200);
    expect(exported.body.profile).toMatchObject({ phone: '+8613500001111', realNameVerified: true });
    expect(exported.body.identity).toMatchObject({ name: '李四', idType: 'resident' });
    expect(
      exported.body.cards
        .map((c: { name: string; hospitalId: string }) => `${c.name}@${c.hospitalId}`)
        .sort(),
    ).toEqual(['周慧@h-pumch', '周慧@h-renji']);
    expect(exported.body.consents.map((c: { purpose: string }) => c.purpose)).toEqual(
      expect.arrayContaining(['privacy_policy', 'sensitive_identity', 'medical_card']),
    );
    const hospitalReads = exported.body.audit.filter((a: { event: string }) => a.event === 'hospital.read');
    expect(hospitalReads.length).toBeGreaterThanOrEqual(3);
    expect(hospitalReads[0].detail).toMatchObject({ clientId: 'pumch-his', hospitalId: 'h-pumch' });
    expect(exported.body.audit.map((a: { event: string }) => a.event)).toEqual(
      expect.arrayContaining(['user.registered', 'card.created', 'identity.verification']),
    );
  });
});

describe('card events over webhooks', () => {
  it('tells each hospital about its new cards, signed, with ids and codes only', async () => {
    // Events follow the committed cards through the table's stream and the webhook queue.
    await local.runtime.settle();
    const pumch = local.runtime.webhooks.received.filter(
      (e) => e.hospitalId === 'h-pumch' && e.type === 'card.created',
    );
    expect(pumch.length).toBeGreaterThan(0);
    const event = pumch[0]?.body as Record<string, unknown>;
    expect(Object.keys(event).sort()).toEqual([
      'cardId',
      'hospitalId',
      'id',
      'relationship',
      'status',
      'time',
      'type',
    ]);
    expect(JSON.stringify(local.runtime.webhooks.received)).not.toMatch(/周慧|44030519600101|13500001111/);
  });

  it('serves the same events to pull with events:read, only the caller’s own, paged by cursor', async () => {
    const pumchDelivered = local.runtime.webhooks.received
      .filter((e) => e.hospitalId === 'h-pumch')
      .map((e) => (e.body as { id: string }).id);
    const readOnly = await hospitalToken('pumch-his', 'local-pumch-his-secret', 'patients:read');
    expect((await get('/v1/hospital/events', readOnly.body.access_token)).status).toBe(403);
    const token = (await hospitalToken('pumch-his', 'local-pumch-his-secret', 'events:read')).body
      .access_token;
    const page = await get('/v1/hospital/events?limit=100', token);
    expect(page.status).toBe(200);
    const ids = page.body.events.map((e: { id: string }) => e.id);
    // Every event the webhook received is in the feed (the feed is written first).
    expect(pumchDelivered.length).toBeGreaterThan(0);
    expect(ids).toEqual(expect.arrayContaining(pumchDelivered));
    expect(page.body.events.every((e: { hospitalId: string }) => e.hospitalId === 'h-pumch')).toBe(true);
    const after = await get(`/v1/hospital/events?after=${encodeURIComponent(page.body.next)}`, token);
    expect(after.body).toEqual({ events: [], next: page.body.next });
    expect((await get('/v1/hospital/events?after=nonsense', token)).status).toBe(400);
  });
});

describe('through fhir-kit-client, a FHIR client nobody here wrote', () => {
  const client = (token?: string) =>
    new Client({
      baseUrl: `${local.runtime.url}/fhir/r4`,
      ...(token ? { bearerToken: token } : {}),
    });

  it('reads the CapabilityStatement without a token, and it validates', async () => {
    const statement = (await client().capabilityStatement()) as Record<string, any>;
    // The validator's schema is R4's first release (4.0.0); 4.0.1 is R4's technical correction.
    expect(fhir.validate({ ...statement, fhirVersion: '4.0.0' })).toEqual([]);
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      kind: 'instance',
    });
    expect(statement.rest[0].resource[0]).toMatchObject({
      type: 'Patient',
      searchParam: [{ name: 'identifier' }],
    });
    // SMART Backend Services discovery, beside the statement: where and how to get a token.
    const smart = await fetch(`${local.runtime.url}/fhir/r4/.well-known/smart-configuration`);
    expect(smart.status).toBe(200);
    expect(await smart.json()).toMatchObject({
      token_endpoint: `${local.runtime.url}/v1/hospital/oauth/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic'],
      token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['RS384', 'ES384']),
      capabilities: expect.arrayContaining(['client-confidential-asymmetric']),
    });
  });

  it('reads a patient, searches with paging and links that resolve, and gets OperationOutcomes for errors', async () => {
    const { cards, mother } = await patientWithCards();
    const token = (await hospitalToken('pumch-his', 'local-pumch-his-secret', 'patients:read')).body
      .access_token as string;
    const fhirClient = client(token);
    const hisPatientId = cards['h-pumch'].hisPatientId as string;
    const patient = (await fhirClient.read({ resourceType: 'Patient', id: hisPatientId })) as Record<
      string,
      any
    >;
    expect(patient).toMatchObject({ resourceType: 'Patient', id: hisPatientId });

    const identifier = `urn:oid:2.16.156.10011.1.3|${mother.idNumber}`;
    const bundle = (await fhirClient.search({
      resourceType: 'Patient',
      searchParams: { identifier, _count: 1 },
    })) as Record<string, any>;
    expect(fhir.validate(bundle)).toEqual([]);
    const self = bundle.link.find((l: { relation: string }) => l.relation === 'self');
    expect(new URL(self.url).searchParams.get('identifier')).toBe(identifier);
    const match = bundle.entry.find((e: { search: { mode: string } }) => e.search.mode === 'match');
    // The match's fullUrl is where it lives: reading it answers the same Patient.
    expect(match.fullUrl).toBe(`${local.runtime.url}/fhir/r4/Patient/${hisPatientId}`);
    const resolved = await fetch(match.fullUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(((await resolved.json()) as { id: string }).id).toBe(hisPatientId);
    // The includes resolve too, and fhir-kit-client reads them by type and id.
    for (const entry of bundle.entry.filter(
      (e: { search: { mode: string } }) => e.search.mode === 'include',
    )) {
      const { resourceType, id } = entry.resource as { resourceType: string; id: string };
      expect(entry.fullUrl).toBe(`${local.runtime.url}/fhir/r4/${resourceType}/${id}`);
      expect(await fhirClient.read({ resourceType, id })).toEqual(entry.resource);
    }

    const counted = (await fhirClient.search({
      resourceType: 'Patient',
      searchParams: { identifier, _summary: 'count' },
    })) as Record<string, any>;
    expect(counted).toMatchObject({ resourceType: 'Bundle', total: 1 });
    expect(counted.entry).toBeUndefined();

    // Errors are OperationOutcomes with FHIR's issue types, on every FHIR route.
    for (const [path, status, code] of [
      ['/fhir/r4/Patient/nobody-here', 404, 'not-found'],
      [`/fhir/r4/Patient?identifier=${encodeURIComponent(identifier)}&_format=xml`, 400, 'invalid'],
      [`/fhir/r4/Patient?identifier=${encodeURIComponent(identifier)}&_sort=name`, 400, 'invalid'],
    ] as const) {
      const response = await fetch(`${local.runtime.url}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/fhir+json');
      const outcome = (await response.json()) as Record<string, any>;
      expect(fhir.validate(outcome)).toEqual([]);
      expect(outcome.issue[0]).toMatchObject({ severity: 'error', code });
    }
    // A stranger without a token is told so as FHIR too.
    const stranger = await fetch(`${local.runtime.url}/fhir/r4/Patient/${hisPatientId}`);
    expect(stranger.status).toBe(401);
    expect(((await stranger.json()) as Record<string, any>).issue[0].code).toBe('login');
    await expect(client().read({ resourceType: 'Patient', id: hisPatientId })).rejects.toBeTruthy();
  });
});
