import type { LivenessProviderName } from '../../core/config';
import type { LivenessOutcome } from './outcomes';

/** Where the person runs the provider's check: its H5 page, the WeChat mini-program plugin, or the app SDK. */
export const livenessChannels = ['h5', 'wechat_miniprogram', 'app'] as const;
export type LivenessChannel = (typeof livenessChannels)[number];

/** What a provider hands back when a check starts: what the client needs, and its own id for the result. */
export interface StartedCheck {
  /** The provider's transaction id (Tencent BizToken, Aliyun CertifyId): kept sealed. */
  readonly transactionId: string;
  /** The H5 page to open (when the channel has one). */
  readonly url?: string | undefined;
  /** How long the provider keeps the check open, from now. */
  readonly ttlSeconds: number;
}

/** Port: a face liveness provider. Images and video are never asked for. */
export interface LivenessProvider {
  readonly name: LivenessProviderName;
  /** Throws LivenessUnavailableError when it cannot start (outage, refused credentials). */
  start(input: {
    readonly name: string;
    readonly idNumber: string;
    readonly channel: LivenessChannel;
    /** Where the H5 page returns to (ours, with our check id). */
    readonly returnUrl?: string | undefined;
    /** Aliyun's device fingerprint from the client's `getMetaInfo()`. */
    readonly metaInfo?: string | undefined;
    /** Our id for the check (Aliyun's OuterOrderNo). */
    readonly reference: string;
  }): Promise<StartedCheck>;
  /** Pulls the outcome by the transaction id. Throws LivenessUnavailableError on outages. */
  result(transactionId: string): Promise<LivenessOutcome>;
}

export class LivenessUnavailableError extends Error {
  constructor(provider: string, reason: string, options?: { cause?: unknown }) {
    super(`${provider} liveness unavailable: ${reason}`, options);
    this.name = 'LivenessUnavailableError';
  }
}

/** The provider refused for a reason about the person (too many failures today, no usable photo). */
export class LivenessRefusedError extends Error {
  readonly outcome: LivenessOutcome;
  constructor(outcome: LivenessOutcome) {
    super(`liveness refused: ${outcome.code}`);
    this.name = 'LivenessRefusedError';
    this.outcome = outcome;
  }
}
