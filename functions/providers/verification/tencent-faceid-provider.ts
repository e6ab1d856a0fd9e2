import type { Clock } from '../../core/clock';
import type { IdType } from '../../kernel/person/id-number';
import { callTencentApi } from '../tencent-tc3';
import { type VerificationOutcome, type VerificationProvider, VerificationUnavailableError } from './ports';

/**
 * Tencent Cloud FaceID `IdCardVerification` (2018-03-01): `Result` "0" match, "-1" mismatch,
 * "-2" bad number, "-3" bad name, "-4" database error, "-5" no record, "-6" upgrading, "-7" the
 * number's daily limit. Codes -2 to -7 are not charged.
 */
const results: Readonly<Record<string, VerificationOutcome | 'unavailable'>> = {
  '0': 'match',
  '-1': 'mismatch',
  '-2': 'invalid',
  '-3': 'invalid',
  '-4': 'unavailable',
  '-5': 'not_found',
  '-6': 'unavailable',
  '-7': 'limited',
};

export class TencentFaceIdProvider implements VerificationProvider {
  readonly name = 'tencent-faceid';
  readonly #options: { endpoint: string; region: string; secretId: string; secretKey: string };
  readonly #clock: Clock;

  constructor(
    options: { endpoint: string; region: string; secretId: string; secretKey: string },
    clock: Clock,
  ) {
    this.#options = options;
    this.#clock = clock;
  }

  async verify(person: { name: string; idNumber: string; idType: IdType }): Promise<VerificationOutcome> {
    let response: Record<string, unknown>;
    try {
      response = await callTencentApi({
        ...this.#options,
        service: 'faceid',
        action: 'IdCardVerification',
        version: '2018-03-01',
        now: this.#clock.now(),
        timeoutMs: 5000,
        body: { IdCard: person.idNumber, Name: person.name },
      });
    } catch (cause) {
      throw new VerificationUnavailableError(this.name, 'network', { cause });
    }
    const error = response.Error as { Code?: string } | undefined;
    if (error) throw new VerificationUnavailableError(this.name, error.Code ?? 'error');
    const outcome = results[String(response.Result)];
    if (!outcome || outcome === 'unavailable') {
      throw new VerificationUnavailableError(this.name, `Result ${String(response.Result)}`);
    }
    return outcome;
  }
}
