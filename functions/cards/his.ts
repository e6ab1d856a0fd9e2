/** What the hospital system is told about a card's patient. */
export interface HisPatient {
  /** Our card id: the HIS's idempotency key / external id, so a retry never makes a second patient. */
  readonly cardId: string;
  readonly name: string;
  readonly idTypeCode: string;
  readonly idNumber: string;
  /** The resident-ID OID system applies to these numbers (national identifier system). */
  readonly residentId: boolean;
  readonly birthDate: string | undefined;
  readonly sex: 'male' | 'female' | undefined;
  readonly phone: string;
  readonly insuranceCode: string;
  readonly insutype: string | null;
  readonly relationship: string;
}

export interface HisRegistration {
  readonly hisPatientId: string;
  readonly cardNo: string;
}

/** The HIS could not be reached or answered 5xx/timeout: try again later. */
export class HisUnavailableError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`HIS unavailable: ${reason}`, options);
    this.name = 'HisUnavailableError';
  }
}

/** The HIS refused the patient (4xx): retrying will not help. */
export class HisRejectedError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`HIS rejected: ${reason}`);
    this.name = 'HisRejectedError';
    this.reason = reason;
  }
}

/** Port: a hospital's patient registry. */
export interface HisClient {
  registerPatient(patient: HisPatient): Promise<HisRegistration>;
  updatePatient(
    hisPatientId: string,
    changes: { phone: string; insuranceCode: string; insutype: string | null },
  ): Promise<void>;
  unbindPatient(hisPatientId: string): Promise<void>;
}
