import type { Clock } from '../../core/clock';
import type { Random } from '../../kernel/random';
import { callAliyunRpc } from '../aliyun-rpc';
import { aliyunOutcome, type LivenessOutcome } from './outcomes';
import {
  type LivenessProvider,
  LivenessRefusedError,
  LivenessUnavailableError,
  type StartedCheck,
} from './ports';

/** A CertifyId is valid 30 minutes and takes one submission. */
const CERTIFY_SECONDS = 1800;

/**
 * Alibaba Cloud 金融级实人认证 (cloudauth 2019-03-07): `InitFaceVerify` (ProductCode ID_PRO, Model
 * MOVE_ACTION, CertType IDENTITY_CARD, our OuterOrderNo, the client's MetaInfo, the H5 return
 * address) gives a CertifyId (and the H5 CertifyUrl); `DescribeFaceVerify` gives the outcome.
 * Only `Code`, `Passed`, `SubCode` and the score in MaterialInfo are read.
 */
export class AliyunFaceVerify implements LivenessProvider {
  readonly name = 'aliyun' as const;
  readonly #options: { endpoint: string; accessKeyId: string; accessKeySecret: string; sceneId: string };
  readonly #clock: Clock;
  readonly #random: Random;

  constructor(
    options: { endpoint: string; accessKeyId: string; accessKeySecret: string; sceneId: string },
    clock: Clock,
    random: Random,
  ) {
    this.#options = options;
    this.#clock = clock;
    this.#random = random;
  }

  async start(input: Parameters<LivenessProvider['start']>[0]): Promise<StartedCheck> {
    const body = await this.#send('InitFaceVerify', {
      SceneId: this.#options.sceneId,
      OuterOrderNo: input.reference,
      ProductCode: 'ID_PRO',
      Model: 'MOVE_ACTION',
      CertType: 'IDENTITY_CARD',
      CertName: input.name,
      CertNo: input.idNumber,
      MetaInfo: input.metaInfo ?? '',
      ...(input.returnUrl ? { ReturnUrl: input.returnUrl } : {}),
    });
    const code = String(body.Code);
    // Refusals about the person, not outages: no failover, the person is told.
    if (code === '418' || code === '417')
      throw new LivenessRefusedError(aliyunOutcome(body) as LivenessOutcome);
    if (code !== '200') throw new LivenessUnavailableError('aliyun', `InitFaceVerify: Code ${code}`);
    const result = (body.ResultObject ?? {}) as { CertifyId?: unknown; CertifyUrl?: unknown };
    if (typeof result.CertifyId !== 'string' || result.CertifyId.length === 0)
      throw new LivenessUnavailableError('aliyun', 'no CertifyId');
    return {
      transactionId: result.CertifyId,
      ...(input.channel === 'h5' && typeof result.CertifyUrl === 'string' ? { url: result.CertifyUrl } : {}),
      ttlSeconds: CERTIFY_SECONDS,
    };
  }

  async result(transactionId: string): Promise<LivenessOutcome> {
    const body = await this.#send('DescribeFaceVerify', {
      SceneId: this.#options.sceneId,
      CertifyId: transactionId,
    });
    const found = aliyunOutcome(body as Parameters<typeof aliyunOutcome>[0]);
    if (!found) throw new LivenessUnavailableError('aliyun', `DescribeFaceVerify: Code ${String(body.Code)}`);
    return found;
  }

  async #send(action: string, params: Record<string, string>): Promise<Record<string, unknown>> {
    try {
      return await callAliyunRpc({
        endpoint: this.#options.endpoint,
        accessKeyId: this.#options.accessKeyId,
        accessKeySecret: this.#options.accessKeySecret,
        action,
        version: '2019-03-07',
        params,
        clock: this.#clock,
        random: this.#random,
        timeoutMs: 5000,
      });
    } catch (cause) {
      throw new LivenessUnavailableError('aliyun', 'network', { cause });
    }
  }
}
