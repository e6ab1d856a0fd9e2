import { createHash, createHmac } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { hisFetch } from './his-http';
import type { HisClient, HisPatient, HisRegistration } from './ports';
import { HisRejectedError, HisUnavailableError, mobileOnFile } from './ports';

/**
 * The signature many HIS gateways in China ask for: HMAC-SHA256 under the client secret over
 * `METHOD\npath\ntimestamp\nsha256(body)`, sent with the client id and timestamp; the gateway
 * refuses timestamps more than 5 minutes off.
 */
export function hisSignature(
  secret: string,
  method: string,
  path: string,
  timestamp: string,
  body: string,
): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${method}\n${path}\n${timestamp}\n${bodyHash}`).digest('hex');
}

interface GatewayAnswer {
  code?: number;
  message?: string;
  data?: { patientId?: string; cardNo?: string; externalId?: string; phone?: string };
}

/**
 * A signed JSON/HTTP HIS gateway; our card id is the external id it deduplicates on. A gateway
 * that finds the person by ID number answers with the patient it had, the external id that patient
 * was first registered under and its phone on file: ours only when that external id is our card
 * id (an answer without it is taken as not ours, so nothing is rewritten on a guess).
 */
export class SignedJsonHisClient implements HisClient {
  readonly #base: string;
  readonly #clientId: string;
  readonly #secret: string;
  readonly #clock: Clock;
  readonly #timeoutMs: number;

  constructor(
    options: { endpoint: string; clientId: string; secret: string; timeoutMs: number },
    clock: Clock,
  ) {
    this.#base = options.endpoint.replace(/\/$/, '');
    this.#clientId = options.clientId;
    this.#secret = options.secret;
    this.#clock = clock;
    this.#timeoutMs = options.timeoutMs;
  }

  async #call(method: string, path: string, payload?: unknown): Promise<GatewayAnswer> {
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const timestamp = String(Math.floor(this.#clock.now().getTime() / 1000));
    const { body: answer } = await hisFetch(
      `${this.#base}${path}`,
      {
        method,
        headers: {
          'content-type': 'application/json',
          'x-client-id': this.#clientId,
          'x-timestamp': timestamp,
          'x-signature': hisSignature(this.#secret, method, path, timestamp, body),
        },
        ...(body ? { body } : {}),
      },
      this.#timeoutMs,
    );
    const result = (answer ?? {}) as GatewayAnswer;
    if (result.code !== 0) throw new HisRejectedError(`code_${String(result.code)}`);
    return result;
  }

  async registerPatient(patient: HisPatient): Promise<HisRegistration> {
    const answer = await this.#call('POST', '/api/v1/patients', {
      externalId: patient.cardId,
      name: patient.name,
      idType: patient.idTypeCode,
      idNumber: patient.idNumber,
      birthDate: patient.birthDate ?? null,
      sex: patient.sex ?? null,
      phone: patient.phone,
      insuranceType: patient.insuranceCode,
      insutype: patient.insutype,
      relationship: patient.relationship,
    });
    const data = answer.data;
    if (!data?.patientId) throw new HisUnavailableError('no patient id');
    const ours = data.externalId === patient.cardId;
    return {
      hisPatientId: data.patientId,
      cardNo: data.cardNo ?? data.patientId,
      ours,
      ...(ours ? {} : { phoneOnFile: mobileOnFile(data.phone) }),
    };
  }

  async updatePatient(
    hisPatientId: string,
    changes: { phone: string; insuranceCode: string; insutype: string | null },
  ): Promise<void> {
    await this.#call('PUT', `/api/v1/patients/${encodeURIComponent(hisPatientId)}`, {
      phone: changes.phone,
      insuranceType: changes.insuranceCode,
      insutype: changes.insutype,
    });
  }

  async unbindPatient(hisPatientId: string): Promise<void> {
    await this.#call('DELETE', `/api/v1/patients/${encodeURIComponent(hisPatientId)}/binding`);
  }
}
