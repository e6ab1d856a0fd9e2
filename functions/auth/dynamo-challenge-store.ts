import * as z from 'zod/mini';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import type { SealedTable, Write } from '../store/sealed-table';
import { otpPurposes } from './otp';
import type { Challenge, ChallengeStore, CodeUse, NumberState, WrongCodeOutcome } from './ports';

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * One-time-code challenges. A number's challenges live in the number's own partition, beside its
 * claim (`PHONE#<token>`: `USER`, `OTP#<purpose>`), so the login path learns all it needs in one
 * query of a few hundred bytes.
 * The claim belongs to the account store; it is only read here. The resend gate is the
 * challenge's own creation time. Single use and the attempt count are conditional updates.
 */
export class DynamoChallengeStore implements ChallengeStore {
  readonly #table: SealedTable;
  readonly #audit: AuditWriter;

  constructor(table: SealedTable, audit: AuditWriter) {
    this.#table = table;
    this.#audit = audit;
  }

  async numberState(phoneToken: string, purpose: Challenge['purpose']): Promise<NumberState> {
    const { items } = await this.#table.query({ pk: keys.phonePartition(phoneToken) });
    const found = new Map(items.map(({ item }) => [item.sk, item]));
    const claim = found.get(keys.phoneClaim(phoneToken).sk);
    const challenge = found.get(keys.challenge(phoneToken, purpose).sk);
    return {
      accountId: claim ? parseRow('phoneClaim', claimRow, claim).userId : undefined,
      challenge: challenge ? toChallenge(challenge) : undefined,
    };
  }

  async putChallenge(c: Challenge, resendAfterMs: number): Promise<{ previous?: Challenge } | false> {
    const outcome = await this.#table.commit(
      await this.#table.put(
        'challenge',
        this.#item(c),
        {},
        {
          expression: 'attribute_not_exists(pk) OR #created <= :earliest',
          names: { '#created': 'createdAt' },
          values: { ':earliest': c.createdAt - resendAfterMs },
        },
      ),
      { returns: 'old' },
    );
    if (!outcome.ok) return false;
    return outcome.attributes ? { previous: toChallenge(outcome.attributes) } : {};
  }

  async withdrawChallenge(c: Challenge, previous?: Challenge): Promise<void> {
    const ours = {
      expression: '#id = :id',
      names: { '#id': 'challengeId' },
      values: { ':id': c.challengeId },
    };
    await this.#table.commit(
      previous
        ? await this.#table.put('challenge', this.#item(previous), {}, ours)
        : this.#table.delete('challenge', keys.challenge(c.phoneToken, c.purpose), ours),
    );
  }

  #item(c: Challenge) {
    return { ...keys.challenge(c.phoneToken, c.purpose), ...c, ttl: seconds(c.expiresAt) + 3600 };
  }

  async recordWrongCode(c: Challenge, maxAttempts: number, audit: AuditEvent): Promise<WrongCodeOutcome> {
    const [attempt, entry] = await Promise.all([
      this.#table.update(
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
      this.#audit.write(audit),
    ]);
    const outcome = await this.#table.commit([attempt, entry]);
    if (!outcome.ok) return 'burned';
    // A transaction answers no values: read what is left now (parallel guesses may have used more).
    const now = await this.#table.get(keys.challenge(c.phoneToken, c.purpose));
    const attempts = now ? toChallenge(now.item).attempts : maxAttempts;
    return { attemptsLeft: Math.max(0, maxAttempts - attempts) };
  }

  /**
   * The write that uses a checked code up, for the transaction of the change it allows: marked
   * consumed (a second send of the right code is then told apart from a guess), or with `remove`
   * deleted outright (a closing account's number keeps nothing).
   */
  consumeWrite(use: CodeUse, options: { remove?: boolean } = {}): Promise<Write> {
    const c = use.challenge;
    const key = keys.challenge(c.phoneToken, c.purpose);
    const condition = {
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
        ':max': use.maxAttempts,
        ':now': use.now,
      },
    };
    if (options.remove) return Promise.resolve(this.#table.delete('code', key, condition));
    return this.#table.update('code', key, { set: { consumed: true, consumedAt: use.now } }, { condition });
  }

  async consumeChallenge(use: CodeUse): Promise<boolean> {
    return (await this.#table.commit(await this.consumeWrite(use))).ok;
  }
}

/** `PHONE#<token>/OTP#<purpose>`, as `putChallenge` writes it (attempts counted, consumed flipped). */
const challengeRow = z.object({
  challengeId: attr.text(),
  phoneToken: attr.text(),
  purpose: z.enum(otpPurposes),
  codeMac: attr.text(),
  createdAt: attr.time(),
  expiresAt: attr.time(),
  attempts: attr.number(),
  consumed: attr.optional(attr.flag()),
});
const claimRow = z.object({ userId: attr.text() });

function toChallenge(item: unknown): Challenge {
  const row = parseRow('challenge', challengeRow, item);
  return { ...row, consumed: row.consumed === true };
}
