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
  /**
   * The HIS made this patient for this card (now, or at an earlier attempt of the same card):
   * false when it answered with a patient it already had (another card's, or registered at the
   * counter). A binding to a patient it did not make needs proof, and never rewrites it.
   */
  readonly ours: boolean;
  /** The mobile the HIS holds for a patient it already had (where a proof code can go). */
  readonly phoneOnFile?: string | undefined;
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

/** A mainland mobile in whatever form a HIS keeps it (`+86…`, `86…`, bare), as E.164, or undefined. */
export function mobileOnFile(value: string | undefined): string | undefined {
  const digits = (value ?? '').replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1\d{10}$/.test(digits) ? `+86${digits}` : undefined;
}
