import { logger } from '../../core/logger';
import type { SmsMessage, SmsSender } from './ports';

/** Tries each provider in order and stops at the first that accepts the message. */
export class FailoverSmsSender implements SmsSender {
  readonly name: string;
  readonly #senders: readonly SmsSender[];

  constructor(senders: readonly SmsSender[]) {
    if (senders.length === 0) throw new Error('FailoverSmsSender needs at least one sender');
    this.#senders = senders;
    this.name = senders.map((s) => s.name).join('>');
  }

  async send(message: SmsMessage): Promise<void> {
    let lastError: unknown;
    for (const sender of this.#senders) {
      try {
        await sender.send(message);
        return;
      } catch (error) {
        lastError = error;
        logger.warn('SMS provider failed, trying the next', {
          provider: sender.name,
          providerCode: (error as { code?: string }).code ?? 'unknown',
        });
      }
    }
    throw lastError;
  }
}
