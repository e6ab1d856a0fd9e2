import { createHash, createHmac, randomUUID } from 'node:crypto';
import { listen, readBody, sendJson } from './http';

interface StoredPatient {
  id: string;
  cardNo: string;
  identifiers: string[];
  active: boolean;
  resource: Record<string, unknown>;
}

export interface HisStandin {
  readonly url: string;
  /** `ok`; `down` answers 503; `reject` answers 400; `slow` waits `delayMs` first. */
  mode: 'ok' | 'down' | 'reject' | 'slow';
  delayMs: number;
  readonly patients: ReadonlyMap<string, StoredPatient>;
  /** Patient registrations that arrived (including ones answered with an existing patient). */
  readonly registrations: string[];
  /**
   * A patient the hospital already has (registered at its counter): found by resident ID number,
   * with the mobile on file if given, in the FHIR hospital's registry (or the signed JSON one's).
   * Returns the patient id.
   */
  seedPatient(patient: {
    idNumber: string;
    name: string;
    phone?: string;
    protocol?: 'fhir' | 'json';
  }): string;
  close(): Promise<void>;
}

/**
 * A hospital system for `npm start` and the tests, speaking both adapters' protocols: FHIR R4
 * (`/fhir/Patient`, conditional create with If-None-Exist, JSON Patch) and a signed JSON gateway
 * (`/api/v1/patients`, HMAC-SHA256 signature, 5-minute replay window, dedupe by externalId).
 */
export async function startHisStandin(secrets: {
  fhirToken: string;
  jsonClients: Readonly<Record<string, string>>;
}): Promise<HisStandin> {
  const patients = new Map<string, StoredPatient>();
  const byIdentifier = new Map<string, string>();
  const registrations: string[] = [];
  let counter = 0;
  const create = (
    identifiers: string[],
    resource: Record<string, unknown>,
  ): { patient: StoredPatient; created: boolean } => {
    for (const identifier of identifiers) {
      const existing = byIdentifier.get(identifier);
      if (existing) return { patient: patients.get(existing) as StoredPatient, created: false };
    }
    counter++;
    const patient = {
      id: `P${String(100000 + counter)}`,
      cardNo: `JZK${String(880000 + counter)}`,
      identifiers,
      active: true,
      resource,
    };
    patients.set(patient.id, patient);
    for (const identifier of identifiers) byIdentifier.set(identifier, patient.id);
    return { patient, created: true };
  };

  // Each protocol plays another hospital with a registry of its own.
  const residentKey = (idNumber: string, protocol: 'fhir' | 'json' = 'fhir') =>
    `${protocol === 'json' ? 'json|' : ''}urn:oid:2.16.156.10011.1.3|${idNumber}`;
  const standin = {
    url: '',
    mode: 'ok' as HisStandin['mode'],
    delayMs: 0,
    patients,
    registrations,
    seedPatient: (seed: { idNumber: string; name: string; phone?: string; protocol?: 'fhir' | 'json' }) =>
      create([residentKey(seed.idNumber, seed.protocol)], {
        resourceType: 'Patient',
        identifier: [{ system: 'urn:oid:2.16.156.10011.1.3', value: seed.idNumber }],
        name: [{ use: 'official', text: seed.name }],
        ...(seed.phone ? { telecom: [{ system: 'phone', value: seed.phone, use: 'mobile' }] } : {}),
        // What the signed JSON gateway answers for a patient it had: no external id of ours.
        externalId: `counter-${seed.idNumber.slice(-4)}`,
        ...(seed.phone ? { phone: seed.phone } : {}),
      }).patient.id,
    close: async () => undefined,
  };

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://his');
    const body = await readBody(req);
    if (standin.mode === 'slow') await new Promise((r) => setTimeout(r, standin.delayMs));
    if (standin.mode === 'down') return sendJson(res, 503, { error: 'maintenance' });

    if (url.pathname.startsWith('/fhir/')) {
      if (req.headers.authorization !== `Bearer ${secrets.fhirToken}`) {
        return sendJson(res, 401, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'login' }],
        });
      }
      if (standin.mode === 'reject') {
        return sendJson(res, 400, {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'invalid' }],
        });
      }
      if (req.method === 'POST' && url.pathname === '/fhir/Patient') {
        const resource = JSON.parse(body) as { identifier?: { system: string; value: string }[] };
        const condition = String(req.headers['if-none-exist'] ?? '').replace(/^identifier=/, '');
        const identifiers = (resource.identifier ?? []).map((i) => `${i.system}|${i.value}`);
        if (condition && !identifiers.includes(condition)) identifiers.push(condition);
        registrations.push(condition || identifiers[0] || '');
        const { patient, created } = create(identifiers, resource as Record<string, unknown>);
        return sendJson(res, created ? 201 : 200, {
          ...patient.resource,
          resourceType: 'Patient',
          id: patient.id,
          identifier: [
            ...((patient.resource.identifier as unknown[]) ?? []),
            { system: 'urn:his:card-no', value: patient.cardNo },
          ],
        });
      }
      const match = /^\/fhir\/Patient\/([^/]+)$/.exec(url.pathname);
      const patient = match ? patients.get(decodeURIComponent(match[1] as string)) : undefined;
      if (req.method === 'GET' && patient) {
        return sendJson(res, 200, {
          ...patient.resource,
          resourceType: 'Patient',
          id: patient.id,
          active: patient.active,
        });
      }
      if (req.method === 'PATCH' && patient) {
        for (const op of JSON.parse(body) as { path: string; value: unknown }[]) {
          if (op.path === '/active') patient.active = op.value === true;
        }
        return sendJson(res, 200, { resourceType: 'Patient', id: patient.id, active: patient.active });
      }
      return sendJson(res, 404, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-found' }],
      });
    }

    if (url.pathname.startsWith('/api/v1/')) {
      const clientId = String(req.headers['x-client-id'] ?? '');
      const timestamp = String(req.headers['x-timestamp'] ?? '');
      const secret = secrets.jsonClients[clientId];
      const expected = secret
        ? createHmac('sha256', secret)
            .update(
              [req.method, url.pathname, timestamp, createHash('sha256').update(body).digest('hex')].join(
                '\n',
              ),
            )
            .digest('hex')
        : undefined;
      if (!expected || expected !== req.headers['x-signature'])
        return sendJson(res, 401, { code: 40101, message: 'bad signature' });
      if (Math.abs(Number(timestamp) * 1000 - Date.now()) > 5 * 60_000)
        return sendJson(res, 401, { code: 40102, message: 'expired' });
      if (standin.mode === 'reject') return sendJson(res, 400, { code: 40001, message: 'invalid patient' });
      if (req.method === 'POST' && url.pathname === '/api/v1/patients') {
        const input = JSON.parse(body) as { externalId: string; idNumber: string; idType: string };
        registrations.push(input.externalId);
        // Like most gateways it knows a person once: by the external id, and by resident ID number.
        const { patient } = create(
          [
            `external|${input.externalId}`,
            ...(input.idType === '01' ? [residentKey(input.idNumber, 'json')] : []),
          ],
          input as unknown as Record<string, unknown>,
        );
        return sendJson(res, 200, {
          code: 0,
          message: 'ok',
          data: {
            patientId: patient.id,
            cardNo: patient.cardNo,
            externalId: patient.resource.externalId,
            ...(patient.resource.phone ? { phone: patient.resource.phone } : {}),
          },
        });
      }
      const match = /^\/api\/v1\/patients\/([^/]+)(\/binding)?$/.exec(url.pathname);
      const patient = match ? patients.get(decodeURIComponent(match[1] as string)) : undefined;
      if (!patient) return sendJson(res, 404, { code: 40401, message: 'no such patient' });
      if (req.method === 'PUT') {
        Object.assign(patient.resource, JSON.parse(body));
        return sendJson(res, 200, { code: 0, message: 'ok' });
      }
      if (req.method === 'DELETE' && match?.[2]) {
        patient.active = false;
        return sendJson(res, 200, { code: 0, message: 'ok' });
      }
    }
    sendJson(res, 404, { error: 'not found', id: randomUUID() });
  });
  Object.assign(standin, { url: server.url, close: server.close });
  return standin;
}
