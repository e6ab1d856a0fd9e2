import { createHash } from 'node:crypto';
import { keys } from '../store/keys';
import { conditions, type SealedTable } from '../store/sealed-table';
import type { AssertionLedger } from './client-assertion';

/**
 * `ASSERTION#<hash of client and jti>`: put once with a condition, gone by TTL after the
 * assertion's own expiry; a second put of the same one is refused, so a replay is caught.
 */
export class DynamoAssertionLedger implements AssertionLedger {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async firstUse(clientId: string, jti: string, expiresAt: number): Promise<boolean> {
    const hash = createHash('sha256').update(`${clientId}\u0000${jti}`).digest('base64url');
    const outcome = await this.#table.commit(
      await this.#table.put(
        'assertion',
        { ...keys.clientAssertion(hash), clientId, expiresAt, ttl: Math.ceil(expiresAt / 1000) + 60 },
        {},
        conditions.absent,
      ),
    );
    return outcome.ok;
  }
}
