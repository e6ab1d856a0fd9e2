import { createHmac } from 'node:crypto';
import { normaliseIdNumber, normalisePhone } from './normalise';

/**
 * Keyed blind indexes: HMAC-SHA256 of a normalised value under the index key, with the index name
 * mixed in so the same value gives unrelated tokens in different indexes. Tables hold only these
 * tokens, never the values; without the key a token cannot be tested against guesses.
 */
export class BlindIndexer {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (key.byteLength < 32) throw new Error('blind index key must be at least 32 bytes');
    this.#key = key;
  }

  /** Token for an already-normalised value. */
  token(index: string, normalised: string): string {
    return createHmac('sha256', this.#key)
      .update(index)
      .update('\u0000')
      .update(normalised)
      .digest('base64url');
  }

  phone(input: string): string {
    const phone = normalisePhone(input);
    if (phone === undefined) throw new Error('not a mainland mobile number');
    return this.token('phone', phone);
  }

  idNumber(input: string): string {
    return this.token('id-number', normaliseIdNumber(input));
  }
}
