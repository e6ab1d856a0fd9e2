import * as z from 'zod/mini';
import type { AuditEvent } from '../kernel/audit/ports';
import { type AuditWriter, readOnly } from '../kernel/audit/ports';
import { keys } from '../store/keys';
import { attr, parseRow } from '../store/rows';
import { conditions, type SealedTable, type Write } from '../store/sealed-table';
import type { CodeUse, SessionRecord, SessionStore } from './ports';

const seconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * Sessions: `USER#<id>` / `SESSION#<family>`, holding only hashes of refresh tokens. Rotation and
 * revocation are conditional updates, so two refreshes of one token cannot both win.
 */
export class DynamoSessionStore implements SessionStore {
  readonly #table: SealedTable;
  readonly #parts: { readonly audit: AuditWriter; readonly code: (use: CodeUse) => Promise<Write> };

  /** Without `parts` the store reads only (the authorizer, the export). */
  constructor(
    table: SealedTable,
    parts: { readonly audit: AuditWriter; readonly code: (use: CodeUse) => Promise<Write> } = {
      audit: readOnly,
      code: () => readOnly.write({ event: 'code', at: 0 }),
    },
  ) {
    this.#table = table;
    this.#parts = parts;
  }

  /** The write that stores a new session (for the account store's registration transaction). */
  async createWrite(s: SessionRecord): Promise<Write> {
    return this.#table.put(
      'session',
      {
        ...keys.session(s.userId, s.familyId),
        ...s,
        amr: [...s.amr],
        // A session is an access record (IP prefix, user agent): gone at its absolute end (30 days),
        // give or take TTL's lag, which reads cover by checking expiry themselves.
        ttl: seconds(s.absoluteExpiresAt),
      },
      {},
      conditions.absent,
    );
  }

  async putSession(
    session: SessionRecord,
    also: { readonly audit: AuditEvent; readonly code?: CodeUse },
  ): Promise<'created' | 'code_used'> {
    const outcome = await this.#table.commit([
      await this.createWrite(session),
      await this.#parts.audit.write(also.audit),
      ...(also.code ? [await this.#parts.code(also.code)] : []),
    ]);
    if (outcome.ok) return 'created';
    if (outcome.refused.includes('code')) return 'code_used';
    throw new Error('session id collision');
  }

  async getSession(userId: string, familyId: string): Promise<SessionRecord | undefined> {
    const stored = await this.#table.get(keys.session(userId, familyId));
    return stored ? toSession(stored.item) : undefined;
  }

  async rotateSession(
    session: SessionRecord,
    expectedHash: string,
    next: { hash: string; now: number },
  ): Promise<boolean> {
    const set = {
      currentHash: next.hash,
      previousHash: expectedHash,
      rotatedAt: next.now,
      lastUsedAt: next.now,
    };
    const outcome = await this.#table.commit(
      await this.#table.update(
        'rotate',
        keys.session(session.userId, session.familyId),
        { set },
        {
          condition: {
            expression: '#current = :expected AND attribute_not_exists(#revoked) AND #absolute > :now',
            names: { '#current': 'currentHash', '#revoked': 'revokedAt', '#absolute': 'absoluteExpiresAt' },
            values: { ':expected': expectedHash, ':now': next.now },
          },
        },
      ),
    );
    return outcome.ok;
  }

  /** The write that revokes a live session, for another store's transaction. */
  revokeWrite(userId: string, familyId: string, at: number): Promise<Write> {
    return this.#table.update(
      'revoke',
      keys.session(userId, familyId),
      { set: { revokedAt: at } },
      {
        condition: {
          expression: 'attribute_exists(pk) AND attribute_not_exists(#revoked)',
          names: { '#revoked': 'revokedAt' },
        },
      },
    );
  }

  async revokeSession(userId: string, familyId: string, audit: AuditEvent): Promise<boolean> {
    // Refused only when already revoked or gone: either way the session is over.
    const outcome = await this.#table.commit([
      await this.revokeWrite(userId, familyId, audit.at),
      await this.#parts.audit.write(audit),
    ]);
    return outcome.ok;
  }

  async listSessions(userId: string): Promise<SessionRecord[]> {
    const stored = await this.#table.queryAll({
      pk: keys.accountPartition(userId),
      skPrefix: keys.sessionPrefix,
    });
    return stored.map((s) => toSession(s.item));
  }
}

/**
 * `USER#<id>/SESSION#<family>` as `createWrite` writes it; the retention job strips the access
 * data (IP prefix, user agent) after 30 days, so those may be gone.
 */
const sessionRow = z.object({
  userId: attr.text(),
  familyId: attr.text(),
  currentHash: attr.text(),
  previousHash: attr.optional(attr.text()),
  chainSalt: attr.optional(attr.text()),
  rotatedAt: attr.time(),
  createdAt: attr.time(),
  lastUsedAt: attr.time(),
  absoluteExpiresAt: attr.time(),
  revokedAt: attr.optional(attr.time()),
  amr: z._default(attr.texts(), []),
  ipPrefix: z._default(attr.text(), ''),
  userAgent: z._default(attr.text(), ''),
});

function toSession(item: unknown): SessionRecord {
  const { previousHash, chainSalt, revokedAt, ...row } = parseRow('session', sessionRow, item);
  return {
    ...row,
    ...(previousHash === undefined ? {} : { previousHash }),
    ...(chainSalt === undefined ? {} : { chainSalt }),
    ...(revokedAt === undefined ? {} : { revokedAt }),
  };
}
