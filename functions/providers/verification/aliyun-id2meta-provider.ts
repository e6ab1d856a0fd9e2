import type { Clock } from '../../core/clock';
import type { IdType } from '../../kernel/person/id-number';
import type { Random } from '../../kernel/random';
import { callAliyunRpc } from '../aliyun-rpc';
import { type VerificationOutcome, type VerificationProvider, VerificationUnavailableError } from './ports';

/** Alibaba Cloud `Id2MetaVerify` (cloudauth 2019-03-07): `BizCode` 1 match, 2 mismatch, 3 no record. */
const bizCodes: Readonly<Record<string, VerificationOutcome>> = {
  '1': 'match',
  '2': 'mismatch',
  '3': 'not_found',
};

export class AliyunId2MetaProvider implements VerificationProvider {
  readonly name = 'aliyun-cloudauth';
  readonly #options: { endpoint: string; accessKeyId: string; accessKeySecret: string };
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(
    options: { endpoint: string; accessKeyId: string; accessKeySecret: string },
    clock: Clock,
    random: Random,
  ) {
    this.#options = options;
    this.#clock = clock;
    this.#random = random;
  }

  async verify(person: { name: string; idNumber: string; idType: IdType }): Promise<VerificationOutcome> {
    let body: Record<string, unknown>;
    try {
      body = await callAliyunRpc({
        ...this.#options,
        action: 'Id2MetaVerify',
        version: '2019-03-07',
        params: { ParamType: 'normal', IdentifyNum: person.idNumber, UserName: person.name },
        clock: this.#clock,
        random: this.#random,
        timeoutMs: 5000,
      });
    } catch (cause) {
      throw new VerificationUnavailableError(this.name, 'network', { cause });
    }
    if (String(body.Code) !== '200')
      throw new VerificationUnavailableError(this.name, `Code ${String(body.Code)}`);
    const outcome = bizCodes[String((body.ResultObject as { BizCode?: string } | undefined)?.BizCode)];
    if (!outcome) throw new VerificationUnavailableError(this.name, 'unknown BizCode');
    return outcome;
  }
}
