import { hisFetch } from './his-http';
import type { HisClient, HisPatient, HisRegistration } from './ports';
import { HisUnavailableError, mobileOnFile } from './ports';

/** The national resident identity card number system (OID used by Chinese health data standards). */
export const RESIDENT_ID_SYSTEM = 'urn:oid:2.16.156.10011.1.3';
/** Our card id, for documents without a national identifier system. */
export const CARD_ID_SYSTEM = 'urn:patient-onboarding:card';
export const CARD_NO_SYSTEM = 'urn:his:card-no';

interface FhirPatient {
  resourceType: 'Patient';
  id?: string;
  identifier?: { system?: string; value?: string }[];
  telecom?: { system?: string; value?: string; use?: string }[];
}

const phoneOf = (patient: FhirPatient | undefined) =>
  mobileOnFile(patient?.telecom?.find((t) => t.system === 'phone' && t.use === 'mobile')?.value) ??
  mobileOnFile(patient?.telecom?.find((t) => t.system === 'phone')?.value);

/**
 * HL7 FHIR R4: conditional create of `Patient` (`If-None-Exist` on the identifier), so a retried
 * registration finds the patient the first try made instead of making a second. The answer says
 * whose patient it is: 201 Created is ours; 200 OK is a match the server already had, ours only if
 * it carries our card id (an earlier attempt of this card), and otherwise someone else's, whose
 * mobile on file (from the answer, or a read when the server returned no body) is where a proof
 * code can go. Updates with JSON Patch of the changed telecom and extension; unbinding sets
 * `active: false`.
 */
export class FhirHisClient implements HisClient {
  readonly #base: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: { endpoint: string; token: string; timeoutMs: number }) {
    this.#base = options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
  }

  #headers(extra: Record<string, string> = {}) {
    return {
      'content-type': 'application/fhir+json',
      accept: 'application/fhir+json',
      authorization: `Bearer ${this.#token}`,
      ...extra,
    };
  }

  async registerPatient(patient: HisPatient): Promise<HisRegistration> {
    const identifier = patient.residentId
      ? { system: RESIDENT_ID_SYSTEM, value: patient.idNumber }
      : { system: CARD_ID_SYSTEM, value: patient.cardId };
    const resource = {
      resourceType: 'Patient',
      identifier: [identifier, { system: CARD_ID_SYSTEM, value: patient.cardId }].filter(
        (id, i, all) => all.findIndex((o) => o.system === id.system) === i,
      ),
      active: true,
      name: [{ use: 'official', text: patient.name }],
      telecom: [{ system: 'phone', value: patient.phone, use: 'mobile' }],
      ...(patient.sex ? { gender: patient.sex } : {}),
      ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
      extension: [
        { url: 'urn:patient-onboarding:insurance-type', valueCode: patient.insuranceCode },
        ...(patient.insutype ? [{ url: 'urn:nhsa:insutype', valueCode: patient.insutype }] : []),
      ],
    };
    const { status, body } = await hisFetch(
      `${this.#base}Patient`,
      {
        method: 'POST',
        headers: this.#headers({
          'if-none-exist': `identifier=${identifier.system}|${identifier.value}`,
          prefer: 'return=representation',
        }),
        body: JSON.stringify(resource),
      },
      this.#timeoutMs,
    );
    const answered = body as FhirPatient | undefined;
    if (!answered?.id) throw new HisUnavailableError('no patient id');
    const cardNo = answered.identifier?.find((i) => i.system === CARD_NO_SYSTEM)?.value ?? answered.id;
    const ours =
      status === 201 ||
      (answered.identifier ?? []).some((i) => i.system === CARD_ID_SYSTEM && i.value === patient.cardId);
    if (ours) return { hisPatientId: answered.id, cardNo, ours };
    const onFile = answered.telecom ? answered : await this.#read(answered.id);
    return { hisPatientId: answered.id, cardNo, ours, phoneOnFile: phoneOf(onFile) };
  }

  async #read(hisPatientId: string): Promise<FhirPatient | undefined> {
    const { body } = await hisFetch(
      `${this.#base}Patient/${encodeURIComponent(hisPatientId)}`,
      { method: 'GET', headers: this.#headers() },
      this.#timeoutMs,
    );
    return body as FhirPatient | undefined;
  }

  async updatePatient(
    hisPatientId: string,
    changes: { phone: string; insuranceCode: string; insutype: string | null },
  ): Promise<void> {
    await hisFetch(
      `${this.#base}Patient/${encodeURIComponent(hisPatientId)}`,
      {
        method: 'PATCH',
        headers: this.#headers({ 'content-type': 'application/json-patch+json' }),
        body: JSON.stringify([
          { op: 'replace', path: '/telecom/0/value', value: changes.phone },
          { op: 'replace', path: '/extension/0/valueCode', value: changes.insuranceCode },
        ]),
      },
      this.#timeoutMs,
    );
  }

  async unbindPatient(hisPatientId: string): Promise<void> {
    await hisFetch(
      `${this.#base}Patient/${encodeURIComponent(hisPatientId)}`,
      {
        method: 'PATCH',
        headers: this.#headers({ 'content-type': 'application/json-patch+json' }),
        body: JSON.stringify([{ op: 'replace', path: '/active', value: false }]),
      },
      this.#timeoutMs,
    );
  }
}
