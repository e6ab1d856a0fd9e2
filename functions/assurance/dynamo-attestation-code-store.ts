import * as z from 'zod/mini';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import { conditions, type SealedTable } from '../store/sealed-table';
import type { AttestationCode, AttestationCodeStore } from './attestation-codes';

/** `ATTESTCODE#<token>`: whose code it is, for which hospital (and card), until when. */
const codeRow = z.object({
  userId: attr.text(),
  hospitalId: attr.text(),
  cardId: attr.optional(attr.text()),
  expiresAt: attr.time(),
});

/**
 * Attestation codes: `ATTESTCODE#<keyed hash>` with the account (and card) and hospital they
 * stand for, gone by TTL. Redeeming marks one used with a conditional update (live, this
 * hospital, unused), so of two staff entering one code only one succeeds.
 */
export class DynamoAttestationCodeStore implements AttestationCodeStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async put(codeToken: string, code: AttestationCode): Promise<boolean> {
    const outcome = await this.#table.commit(
      await this.#table.put(
        'attestationCode',
        { ...keys.attestationCode(codeToken), ...code, ttl: Math.ceil(code.expiresAt / 1000) + 3600 },
        {},
        conditions.absent,
      ),
    );
    return outcome.ok;
  }

  async redeem(codeToken: string, hospitalId: string, now: number): Promise<AttestationCode | undefined> {
    const outcome = await this.#table.commit(
      await this.#table.update(
        'redeem',
        keys.attestationCode(codeToken),
        { set: { usedAt: now } },
        {
          condition: {
            expression:
              'attribute_exists(pk) AND #hospital = :hospital AND #expires > :now AND attribute_not_exists(#used)',
            names: { '#hospital': 'hospitalId', '#expires': 'expiresAt', '#used': 'usedAt' },
            values: { ':hospital': hospitalId, ':now': now },
          },
        },
      ),
      { returns: 'all' },
    );
    const item = outcome.ok ? outcome.attributes : undefined;
    return item === undefined ? undefined : parseRow('attestationCode', codeRow, item);
  }
}
