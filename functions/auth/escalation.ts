import type { EscalationWindow } from '../core/config';
import type { HitOutcome, RateLimiter, RateWindowKey } from '../kernel/rate/ports';

/**
 * How high the bar is for a send: none, a captcha, or the hard captcha. Signals about a network
 * or a number raise it; only per-number limits ever refuse.
 */
export type CaptchaLevel = 0 | 1 | 2;

export const captchaLevelName = { 1: 'standard', 2: 'hard' } as const;
export type CaptchaLevelName = (typeof captchaLevelName)[1 | 2];

/** A signal window as the limiter counts it: full at `hardAt`, so it never counts past what matters. */
export function signalWindow(scope: string, key: string, window: EscalationWindow): RateWindowKey {
  return { scope, key, seconds: window.seconds, max: window.hardAt };
}

/** The level one signal asks for, from a peek or a hit of its window. */
export function levelOf(window: EscalationWindow, outcome: HitOutcome | undefined): CaptchaLevel {
  if (!outcome) return 0;
  if (!outcome.allowed || outcome.count >= window.hardAt) return 2;
  return outcome.count >= window.captchaAt ? 1 : 0;
}

/** Reads each signal (in parallel, one round trip) and answers the highest level any asks for. */
export async function escalation(
  limiter: RateLimiter,
  signals: ReadonlyArray<{ readonly scope: string; readonly key: string; readonly window: EscalationWindow }>,
  now: number,
): Promise<CaptchaLevel> {
  const outcomes = await Promise.all(
    signals.map((s) => limiter.peek(signalWindow(s.scope, s.key, s.window), now, { eventual: true })),
  );
  return Math.max(0, ...signals.map((s, i) => levelOf(s.window, outcomes[i]))) as CaptchaLevel;
}

/** Counts a signal; a full window is not a refusal (the bar is already at its highest). */
export async function countSignal(
  limiter: RateLimiter,
  signal: { readonly scope: string; readonly key: string; readonly window: EscalationWindow },
  now: number,
): Promise<void> {
  await limiter.hit(signalWindow(signal.scope, signal.key, signal.window), now);
}
