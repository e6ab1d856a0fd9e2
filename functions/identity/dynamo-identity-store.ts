import * as z from 'zod/mini';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import { idTypeNames } from '../kernel/person/id-number';
import { keys } from '../store/keys';
import { attr, parseRow, readRow } from '../store/rows';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import type { Assurance, IdentityStatus, IdentityStore, StoredIdentity, VerifiedIdentity } from './ports';

/** `USER#<id>/IDENTITY`, as written by `recordVerified` (and `realPersonWrite`). */
const identityRow = z.object({
  idNumberToken: attr.text(),
  idType: z.enum(idTypeNames),
  nameMasked: attr.text(),
  idNumberMasked: attr.text(),
  verifiedAt: attr.time(),
  provider: attr.text(),
  realPersonAt: attr.optional(attr.time()),
  realPersonMethod: attr.optional(attr.text()),
});
const sealedIdentity = z.object({
  name: attr.text(),
  idNumber: attr.text(),
  birthDate: attr.optional(attr.text()),
});
const claimRow = z.object({ userId: attr.text() });
const matchRow = z.object({ provider: attr.text() });
const profileFlag = z.object({ realNameVerified: attr.optional(attr.flag()) });

/** A remembered provider match is trusted for a year; after that the person is checked again. */
const MATCH_CACHE_SECONDS = 365 * 24 * 3600;

/**
 * Verified identities: `IDNUM#<token>` claims an ID number for one account (conditional put),
 * `USER#<id>/IDENTITY` holds the sealed name, number and birth date with their masked forms, and
 * the profile's `realNameVerified` flips in the same transaction.
 */
export class DynamoIdentityStore implements IdentityStore {
  readonly #table: SealedTable;
  readonly #audit: AuditWriter;

  constructor(table: SealedTable, audit: AuditWriter) {
    this.#table = table;
    this.#audit = audit;
  }

  async verifiedOwner(idToken: string): Promise<string | undefined> {
    return readRow('idNumberClaim', claimRow, await this.#table.get(keys.idNumberClaim(idToken)))?.userId;
  }

  async verifiedIdentity(userId: string): Promise<StoredIdentity | undefined> {
    const stored = await this.#table.get(keys.identity(userId));
    if (!stored) return undefined;
    const item = parseRow('identity', identityRow, stored.item);
    const sealed = parseRow('identity', sealedIdentity, stored.sealed);
    return {
      idNumberToken: item.idNumberToken,
      idType: item.idType,
      name: sealed.name,
      idNumber: sealed.idNumber,
      birthDate: sealed.birthDate,
      verifiedAt: item.verifiedAt,
      provider: item.provider,
      assurance: assuranceOf(item),
    };
  }

  async status(userId: string): Promise<IdentityStatus> {
    const stored = await this.#table.get(keys.identity(userId), { open: false });
    if (!stored) return { verified: false, assurance: { level: 'none' } };
    const item = parseRow('identity', identityRow, stored.item);
    return {
      verified: true,
      nameMasked: item.nameMasked,
      idNumberMasked: item.idNumberMasked,
      verifiedAt: item.verifiedAt,
      assurance: assuranceOf(item),
    };
  }

  /**
   * The write that gives the verified identity the real-person assurance, for the transaction of
   * the check or attestation that earned it (refused if the identity is gone).
   */
  realPersonWrite(userId: string, at: number, method: string): Promise<Write> {
    return this.#table.update(
      'identity',
      keys.identity(userId),
      { set: { realPersonAt: at, realPersonMethod: method } },
      { condition: conditions.present },
    );
  }

  async isVerified(userId: string): Promise<boolean> {
    const profile = readRow(
      'profile',
      profileFlag,
      await this.#table.get(keys.profile(userId), { open: false }),
    );
    return profile?.realNameVerified === true;
  }

  async verifiedPerson(userId: string): Promise<{ token: string; realPerson: boolean } | undefined> {
    const item = readRow(
      'identity',
      identityRow,
      await this.#table.get(keys.identity(userId), { open: false }),
    );
    return item ? { token: item.idNumberToken, realPerson: item.realPersonAt !== undefined } : undefined;
  }

  async cachedMatch(pairToken: string): Promise<{ provider: string } | undefined> {
    const stored = await this.#table.get(keys.identityMatch(pairToken), { consistent: false });
    return readRow('identityMatch', matchRow, stored);
  }

  async rememberMatch(pairToken: string, provider: string, at: number): Promise<void> {
    await this.#table.commit(
      await this.#table.put('match', {
        ...keys.identityMatch(pairToken),
        provider,
        at,
        ttl: Math.floor(at / 1000) + MATCH_CACHE_SECONDS,
      }),
    );
  }

  async recordVerified(identity: VerifiedIdentity, audit: AuditEvent): Promise<'verified' | 'taken'> {
    const { userId } = identity;
    const t = this.#table;
    const outcome = await t.commit([
      await t.put(
        'idNumberClaim',
        { ...keys.idNumberClaim(identity.idToken), userId, verifiedAt: identity.verifiedAt },
        {},
        conditions.absent,
      ),
      await t.put(
        'identity',
        {
          ...keys.identity(userId),
          idType: identity.idType,
          idNumberToken: identity.idToken,
          nameMasked: identity.nameMasked,
          idNumberMasked: identity.idNumberMasked,
          verifiedAt: identity.verifiedAt,
          provider: identity.provider,
        },
        { name: identity.name, idNumber: identity.idNumber, birthDate: identity.birthDate },
      ),
      await t.update(
        'profile',
        keys.profile(userId),
        { set: { realNameVerified: true, realNameVerifiedAt: identity.verifiedAt } },
        {
          condition: {
            expression: 'attribute_exists(pk) AND #verified = :false',
            names: { '#verified': 'realNameVerified' },
            values: { ':false': false },
          },
        },
      ),
      await this.#audit.write(audit),
    ]);
    return outcome.ok ? 'verified' : 'taken';
  }
}

function assuranceOf(item: z.infer<typeof identityRow>): Assurance {
  return item.realPersonAt !== undefined
    ? { level: 'real_person', at: item.realPersonAt, method: item.realPersonMethod }
    : { level: 'two_element', at: item.verifiedAt, method: item.provider };
}
