import { keys } from '../store/keys';
import type { SealedTable } from '../store/sealed-table';
import type { Challenge, ChallengeStore, LockKind, WrongCodeOutcome } from './ports';

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * One-time-code challenges (`OTP#<phone token>` / purpose, only the code's HMAC) and locks. Single
 * use and the attempt count are conditional updates, never a read followed by a write.
 */
export class DynamoChallengeStore implements ChallengeStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async putChallenge(c: Challenge): Promise<void> {
    await this.#table.commit(
      await this.#table.put('challenge', {
        ...keys.challenge(c.phoneToken, c.purpose),
        ...c,
        ttl: seconds(c.expiresAt) + 3600,
      }),
    );
  }

  async getChallenge(phoneToken: string, purpose: Challenge['purpose']): Promise<Challenge | undefined> {
    const stored = await this.#table.get(keys.challenge(phoneToken, purpose));
    return stored?.item as unknown as Challenge | undefined;
  }

  async recordWrongCode(c: Challenge, maxAttempts: number): Promise<WrongCodeOutcome> {
    const outcome = await this.#table.commit(
      await this.#table.update(
        'attempt',
        keys.challenge(c.phoneToken, c.purpose),
        { add: { attempts: 1 } },
        {
          condition: {
            expression: '#id = :id AND #n < :max AND #used = :false',
            names: { '#id': 'challengeId', '#n': 'attempts', '#used': 'consumed' },
            values: { ':id': c.challengeId, ':max': maxAttempts, ':false': false },
          },
        },
      ),
      { returns: 'updated' },
    );
    if (!outcome.ok) return 'burned';
    const attempts = Number(outcome.attributes?.attempts ?? maxAttempts);
    return { attemptsLeft: Math.max(0, maxAttempts - attempts) };
  }

  async consumeChallenge(c: Challenge, maxAttempts: number, now: number): Promise<boolean> {
    const outcome = await this.#table.commit(
      await this.#table.update(
        'consume',
        keys.challenge(c.phoneToken, c.purpose),
        { set: { consumed: true, consumedAt: now } },
        {
          condition: {
            expression: '#id = :id AND #mac = :mac AND #used = :false AND #n < :max AND #exp > :now',
            names: {
              '#id': 'challengeId',
              '#mac': 'codeMac',
              '#used': 'consumed',
              '#n': 'attempts',
              '#exp': 'expiresAt',
            },
            values: {
              ':id': c.challengeId,
              ':mac': c.codeMac,
              ':false': false,
              ':max': maxAttempts,
              ':now': now,
            },
          },
        },
      ),
    );
    return outcome.ok;
  }

  async getLock(kind: LockKind, key: string): Promise<number | undefined> {
    const stored = await this.#table.get(keys.lock(kind, key));
    return stored ? Number(stored.item.until) : undefined;
  }

  async lock(kind: LockKind, key: string, until: number): Promise<void> {
    await this.#table.commit(
      await this.#table.put('lock', { ...keys.lock(kind, key), until, ttl: seconds(until) + 3600 }),
    );
  }
}
