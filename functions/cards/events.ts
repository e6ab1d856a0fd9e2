import { createHmac } from 'node:crypto';
import type { EventPublisher } from '../providers/events/ports';

export const cardEventTypes = [
  'card.created',
  'card.updated',
  'card.unbound',
  'card.registration_failed',
] as const;
export type CardEventType = (typeof cardEventTypes)[number];
export const cardEventStatuses = ['pending', 'active', 'failed', 'unbound'] as const;

/**
 * What hospitals are told: ids and codes only. The hospital fetches the patient's details
 * through the read API, where the read is authorised and audited.
 */
export interface CardEvent {
  readonly id: string;
  readonly type: CardEventType;
  readonly time: string;
  readonly hospitalId: string;
  readonly cardId: string;
  readonly status: (typeof cardEventStatuses)[number];
  readonly relationship: string;
}

/** Port: where card events go (EventBridge in AWS, straight to webhook delivery locally). */
export type CardEventPublisher = EventPublisher<CardEvent>;

/**
 * `X-PO-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver checks
 * the HMAC under its webhook secret and refuses timestamps more than 5 minutes off (replays).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
