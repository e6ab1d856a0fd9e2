import type { Clock } from '../../core/clock';
import { callTencentApi } from '../tencent-tc3';
import { type LivenessOutcome, tencentOutcome } from './outcomes';
import { type LivenessProvider, LivenessUnavailableError, type StartedCheck } from './ports';

const BIZ_TOKEN_EXPIRED = 'InvalidParameterValue.BizTokenExpired';

/** A BizToken lives 7,200 s; Tencent keeps the result three days after, so it is pulled at once. */
const BIZ_TOKEN_SECONDS = 7200;

/**
 * Tencent Cloud FaceID (慧眼) real-person check, API 2018-03-01: `DetectAuth` with the RuleId,
 * the verified name and ID number and the H5 return address gives a BizToken (and the H5 page);
 * `GetDetectInfoEnhanced` with InfoType 1 pulls the text result only: no ID card images, best
 * frames or video are ever requested.
 */
export class TencentDetectAuth implements LivenessProvider {
  readonly name = 'tencent' as const;
  readonly #options: {
    endpoint: string;
    region: string;
    secretId: string;
    secretKey: string;
    ruleId: string;
  };
  readonly #clock: Clock;

  constructor(
    options: { endpoint: string; region: string; secretId: string; secretKey: string; ruleId: string },
    clock: Clock,
  ) {
    this.#options = options;
    this.#clock = clock;
  }

  async start(input: Parameters<LivenessProvider['start']>[0]): Promise<StartedCheck> {
    const response = await this.#call('DetectAuth', {
      RuleId: this.#options.ruleId,
      IdCard: input.idNumber,
      Name: input.name,
      ...(input.returnUrl ? { RedirectUrl: input.returnUrl } : {}),
    });
    const token = response.BizToken;
    if (typeof token !== 'string' || token.length === 0)
      throw new LivenessUnavailableError('tencent', 'no BizToken');
    return {
      transactionId: token,
      ...(input.channel === 'h5' && typeof response.Url === 'string' ? { url: response.Url } : {}),
      ttlSeconds: BIZ_TOKEN_SECONDS,
    };
  }

  async result(transactionId: string): Promise<LivenessOutcome> {
    const response = await this.#call('GetDetectInfoEnhanced', {
      BizToken: transactionId,
      RuleId: this.#options.ruleId,
      InfoType: '1',
    });
    // An expired BizToken is an outcome of the check, not an outage.
    if ((response.Error as { Code?: string } | undefined)?.Code === BIZ_TOKEN_EXPIRED)
      return { kind: 'expired', code: 'tencent:BizTokenExpired', billed: false };
    return tencentOutcome((response.Text ?? {}) as { ErrCode?: number | null; Sim?: string | null });
  }

  async #call(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    let response: Record<string, unknown>;
    try {
      response = await callTencentApi({
        endpoint: this.#options.endpoint,
        region: this.#options.region,
        secretId: this.#options.secretId,
        secretKey: this.#options.secretKey,
        service: 'faceid',
        action,
        version: '2018-03-01',
        now: this.#clock.now(),
        timeoutMs: 5000,
        body,
      });
    } catch (cause) {
      throw new LivenessUnavailableError('tencent', 'network', { cause });
    }
    const error = response.Error as { Code?: string } | undefined;
    if (error && error.Code !== BIZ_TOKEN_EXPIRED)
      throw new LivenessUnavailableError('tencent', `${action}: ${error.Code ?? 'error'}`);
    return response;
  }
}
