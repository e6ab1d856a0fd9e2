import type { IdType } from '../../kernel/person/id-number';

export type VerificationOutcome = 'match' | 'mismatch' | 'not_found' | 'invalid' | 'limited';

/** Port: a two-element (name + ID number) check against the national identity database. */
export interface VerificationProvider {
  readonly name: string;
  /** Throws VerificationUnavailableError on timeouts and provider-side failures. */
  verify(person: { name: string; idNumber: string; idType: IdType }): Promise<VerificationOutcome>;
}

export class VerificationUnavailableError extends Error {
  constructor(provider: string, reason: string, options?: { cause?: unknown }) {
    super(`${provider} verification unavailable: ${reason}`, options);
    this.name = 'VerificationUnavailableError';
  }
}
