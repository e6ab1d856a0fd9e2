import * as z from 'zod/mini';
import { keys } from '../../store/keys';
import { attr, parseRow } from '../../store/rows';
import { conditions, type SealedTable, type Write } from '../../store/sealed-table';
import type { Random } from '../random';
import { AUDIT_RETENTION_SECONDS, AUDIT_SHARDS, type AuditEvent, dayOf, entryMac } from './audit-entry';
import type { AuditLog, AuditReader, AuditView, AuditWriter } from './ports';

/** An entry as its person's export shows it: ids, event names and codes only (see `item`). */
const entryView = z.object({
  event: attr.text(),
  at: attr.text(),
  sessionId: attr.optional(attr.text()),
  detail: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
});

/**
 * Audit entries: `AUDIT#<day>#<shard>` / `<time>#<id>`, the shard drawn at random so no partition
 * takes more than its share, each with its own keyed MAC (audit-entry.ts). Entries about a person
 * also carry the sparse `auditByUser` index's keys. Entries hold ids, event names and codes only;
 * a test scans for plaintext.
 */
export class DynamoAuditLog implements AuditLog, AuditReader, AuditWriter {
  readonly #table: SealedTable;
  readonly #random: Random;
  readonly #key: Uint8Array;

  constructor(table: SealedTable, random: Random, auditKey: Uint8Array) {
    this.#table = table;
    this.#random = random;
    this.#key = auditKey;
  }

  /** The entry's item, MAC included: exactly what is stored (undefined fields dropped as marshall does). */
  item(event: AuditEvent): Record<string, unknown> & { pk: string; sk: string } {
    const id = Buffer.from(this.#random.bytes(8)).toString('hex');
    const key = keys.auditEntry(dayOf(event.at), this.#random.int(0, AUDIT_SHARDS), event.at, id);
    const body = JSON.parse(
      JSON.stringify({
        ...key,
        event: event.event,
        userId: event.userId,
        sessionId: event.sessionId,
        detail: event.detail,
        ...(event.userId ? { auditUser: keys.auditUser(event.userId), auditAt: key.sk } : {}),
        at: new Date(event.at).toISOString(),
        ttl: Math.floor(event.at / 1000) + AUDIT_RETENTION_SECONDS,
      }),
    ) as Record<string, unknown> & typeof key;
    return { ...body, mac: entryMac(this.#key, body) };
  }

  async write(event: AuditEvent): Promise<Write> {
    return this.#table.put(`audit:${event.event}`, this.item(event), {}, conditions.absent);
  }

  async record(event: AuditEvent): Promise<void> {
    const outcome = await this.#table.commit(await this.write(event));
    if (!outcome.ok) throw new Error('audit entry id collision');
  }

  async about(userId: string): Promise<AuditView[]> {
    const stored = await this.#table.queryAll({
      pk: keys.auditUser(userId),
      index: { name: 'auditByUser', pk: 'auditUser', sk: 'auditAt' },
      newestFirst: true,
    });
    return stored.map(({ item }) => {
      const { sessionId, detail, ...entry } = parseRow('auditEntry', entryView, item);
      return { ...entry, ...(sessionId ? { sessionId } : {}), ...(detail ? { detail } : {}) };
    });
  }
}
