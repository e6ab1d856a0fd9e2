import * as z from 'zod/mini';
import type { AuditEvent, AuditWriter } from '../kernel/audit/ports';
import type { PolicyAcceptance } from '../kernel/consent/consents';
import { keys } from '../store/keys';
import { attr, parseRow, readRow } from '../store/rows';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import type { AccountStore, CodeUse, NewLink, PhoneRecovery, SessionRecord, UserRecord } from './ports';

/** `USER#<id>/PROFILE` as `createUser` writes it, the number sealed. */
const profileRow = z.object({
  userId: attr.text(),
  phoneToken: attr.text(),
  phone: attr.text(),
  createdAt: attr.time(),
  realNameVerified: attr.optional(attr.flag()),
});
/** `USER#<id>/PHONERECOVERY`: a live move, or (cancelled) only its bar on new ones. */
const cancelledRow = z.object({ cancelledAt: attr.optional(attr.time()) });
const recoveryRow = z.object({
  recoveryId: attr.text(),
  phoneToken: attr.text(),
  phone: attr.text(),
  sessionId: attr.text(),
  startedAt: attr.time(),
  dueAt: attr.time(),
});

const seconds = (ms: number) => Math.ceil(ms / 1000);

/** The writes other stores own, composed into registration's one transaction. */
export interface RegistrationParts {
  readonly session: (session: SessionRecord) => Promise<Write>;
  readonly policyAcceptance: (
    userId: string,
    acceptance: PolicyAcceptance,
    sessionId: string,
  ) => Promise<Write[]>;
  /** Third-party login: the identity's claim and the account's side of the link. */
  readonly link?: (link: NewLink) => Promise<Write[]>;
  /** The use of the code that proved the number. */
  readonly code: (use: CodeUse) => Promise<Write>;
  /** A live session's revocation (a cancelled recovery ends the session that asked for it). */
  readonly revokeSession: (userId: string, familyId: string, at: number) => Promise<Write>;
  readonly audit: AuditWriter;
}

/**
 * Accounts: the profile (`USER#<id>/PROFILE`, phone sealed), the phone claim that makes one
 * account per number (`PHONE#<token>`), and a pending move to another number. Uniqueness comes
 * from conditional writes in one transaction, never from a read followed by a write.
 */
export class DynamoAccountStore implements AccountStore {
  readonly #table: SealedTable;
  readonly #parts: RegistrationParts;

  constructor(table: SealedTable, parts: RegistrationParts) {
    this.#table = table;
    this.#parts = parts;
  }

  async getUser(userId: string, options: { eventual?: boolean } = {}): Promise<UserRecord | undefined> {
    const stored = await this.#table.get(keys.profile(userId), { consistent: options.eventual !== true });
    const row = readRow('profile', profileRow, stored);
    return row && { ...row, realNameVerified: row.realNameVerified === true };
  }

  async createUser(
    user: UserRecord,
    acceptance: PolicyAcceptance,
    session: SessionRecord,
    also: { readonly audit: AuditEvent; readonly link?: NewLink; readonly code?: CodeUse },
  ): Promise<'created' | 'phone_taken' | 'identity_taken' | 'code_used'> {
    const { link, code } = also;
    if (link && !this.#parts.link) throw new Error('this account store cannot link identities');
    const t = this.#table;
    const outcome = await t.commit([
      ...(link && this.#parts.link ? await this.#parts.link(link) : []),
      ...(code ? [await this.#parts.code(code)] : []),
      await t.put(
        'phoneClaim',
        { ...keys.phoneClaim(user.phoneToken), userId: user.userId, createdAt: user.createdAt },
        {},
        conditions.absent,
      ),
      await t.put(
        'profile',
        {
          ...keys.profile(user.userId),
          userId: user.userId,
          phoneToken: user.phoneToken,
          createdAt: user.createdAt,
          realNameVerified: user.realNameVerified,
        },
        { phone: user.phone },
        conditions.absent,
      ),
      ...(await this.#parts.policyAcceptance(user.userId, acceptance, session.familyId)),
      await this.#parts.session(session),
      await this.#parts.audit.write(also.audit),
    ]);
    if (outcome.ok) return 'created';
    if (outcome.refused.includes('code')) return 'code_used';
    return outcome.refused.includes('identityClaim') ? 'identity_taken' : 'phone_taken';
  }

  async changePhone(
    user: UserRecord,
    next: { phoneToken: string; phone: string },
    also: {
      readonly audit: AuditEvent;
      readonly recovery?: { recoveryId: string; now: number };
      readonly codes?: readonly CodeUse[];
    },
  ): Promise<'changed' | 'phone_taken' | 'recovery_gone' | 'code_used'> {
    const { recovery } = also;
    const t = this.#table;
    const outcome = await t.commit([
      await t.put(
        'newClaim',
        { ...keys.phoneClaim(next.phoneToken), userId: user.userId },
        {},
        conditions.absent,
      ),
      t.delete('oldClaim', keys.phoneClaim(user.phoneToken), conditions.ownedBy(user.userId)),
      // An update, not a put: the profile keeps every other attribute (verification time, ...).
      await t.update(
        'profile',
        keys.profile(user.userId),
        { set: { phoneToken: next.phoneToken } },
        {
          sealed: { phone: next.phone },
          condition: {
            expression: '#t = :old',
            names: { '#t': 'phoneToken' },
            values: { ':old': user.phoneToken },
          },
        },
      ),
      ...(recovery
        ? [
            t.delete('recovery', keys.phoneRecovery(user.userId), {
              expression: '#rid = :rid AND #due <= :now',
              names: { '#rid': 'recoveryId', '#due': 'dueAt' },
              values: { ':rid': recovery.recoveryId, ':now': recovery.now },
            }),
          ]
        : []),
      ...(await Promise.all((also.codes ?? []).map((use) => this.#parts.code(use)))),
      await this.#parts.audit.write(also.audit),
    ]);
    if (outcome.ok) return 'changed';
    if (outcome.refused.includes('code')) return 'code_used';
    return outcome.refused.includes('recovery') ? 'recovery_gone' : 'phone_taken';
  }

  async getPhoneRecovery(userId: string): Promise<PhoneRecovery | undefined> {
    const stored = await this.#table.get(keys.phoneRecovery(userId));
    // A cancelled recovery keeps only its bar on new ones (no number, no session).
    if (!stored || parseRow('phoneRecovery', cancelledRow, stored.item).cancelledAt !== undefined)
      return undefined;
    return { userId, ...readRow('phoneRecovery', recoveryRow, stored) };
  }

  async startPhoneRecovery(
    recovery: PhoneRecovery,
    audit: AuditEvent,
    options: { readonly overrideBlock: boolean },
  ): Promise<'started' | 'pending' | { readonly blockedUntil: number }> {
    const { phone, ...plain } = recovery;
    const outcome = await this.#table.commit([
      await this.#table.put(
        'recovery',
        // Gone by TTL a week after it fell due, if nobody completed or cancelled it.
        { ...keys.phoneRecovery(recovery.userId), ...plain, ttl: seconds(recovery.dueAt) + 7 * 86_400 },
        { phone },
        options.overrideBlock
          ? {
              expression: 'attribute_not_exists(pk) OR attribute_exists(#cancelled)',
              names: { '#cancelled': 'cancelledAt' },
            }
          : {
              expression: 'attribute_not_exists(pk) OR (attribute_exists(#cancelled) AND #blocked <= :now)',
              names: { '#cancelled': 'cancelledAt', '#blocked': 'blockedUntil' },
              values: { ':now': recovery.startedAt },
            },
      ),
      await this.#parts.audit.write(audit),
    ]);
    if (outcome.ok) return 'started';
    const current = await this.#table.get(keys.phoneRecovery(recovery.userId), { open: false });
    const blockedUntil = Number(current?.item.blockedUntil);
    return current?.item.cancelledAt !== undefined && blockedUntil > recovery.startedAt
      ? { blockedUntil }
      : 'pending';
  }

  async cancelPhoneRecovery(
    recovery: PhoneRecovery,
    audit: AuditEvent,
    options: { readonly blockUntil: number; readonly revokeRequester: boolean },
  ): Promise<boolean> {
    const outcome = await this.#table.commit([
      await this.#table.put(
        'recovery',
        {
          ...keys.phoneRecovery(recovery.userId),
          recoveryId: recovery.recoveryId,
          cancelledAt: audit.at,
          blockedUntil: options.blockUntil,
          ttl: seconds(options.blockUntil),
        },
        {},
        {
          expression: '#id = :id AND attribute_not_exists(#cancelled)',
          names: { '#id': 'recoveryId', '#cancelled': 'cancelledAt' },
          values: { ':id': recovery.recoveryId },
        },
      ),
      ...(options.revokeRequester
        ? [await this.#parts.revokeSession(recovery.userId, recovery.sessionId, audit.at)]
        : []),
      await this.#parts.audit.write(audit),
    ]);
    return outcome.ok;
  }
}
