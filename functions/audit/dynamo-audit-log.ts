import type { Random } from '../auth/otp';
import { keys } from '../store/keys';
import { conditions, type SealedTable } from '../store/sealed-table';
import { type ChainHead, chainHash } from './audit-chain';
import type { AuditEntry, AuditLog, AuditReader, AuditView } from './ports';

/** Audit entries are kept three years (PIPL art. 54 audits; Cybersecurity Law logs >= 6 months). */
const RETENTION_SECONDS = 3 * 365 * 24 * 3600;
/** Spreads one day's entries over partitions so a busy day never makes a hot key or a long chain race. */
export const AUDIT_SHARDS = 8;
/** Appends racing for one partition's head: each loser re-reads the head and tries again. */
const MAX_ATTEMPTS = 8;

/**
 * Append-only audit trail: `AUDIT#<day>#<shard>` / `<time>#<id>`, hash-chained per partition
 * (see audit-chain.ts). Each append moves the partition's head item in the same transaction, so
 * two concurrent appends cannot both take one `seq`. Entries hold ids, event names and codes only;
 * a test scans for plaintext.
 */
export class DynamoAuditLog implements AuditLog, AuditReader {
  readonly #table: SealedTable;
  readonly #random: Random;
  readonly #key: Uint8Array;

  constructor(table: SealedTable, random: Random, chainKey: Uint8Array) {
    this.#table = table;
    this.#random = random;
    this.#key = chainKey;
  }

  async record(entry: AuditEntry, now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const id = Buffer.from(this.#random.bytes(8)).toString('hex');
    const day = at.slice(0, 10);
    const shard = this.#random.int(0, AUDIT_SHARDS);
    const key = keys.auditEntry(day, shard, now, id);
    const headKey = keys.auditHead(day, shard);
    const ttl = Math.floor(now / 1000) + RETENTION_SECONDS;
    for (let attempt = 1; ; attempt++) {
      const head = await this.#head(headKey);
      const body = {
        ...key,
        ...entry,
        ...(entry.userId ? { auditUser: keys.auditUser(entry.userId), auditAt: key.sk } : {}),
        at,
        ttl,
        seq: (head?.seq ?? 0) + 1,
        prev: head?.hash ?? '',
      };
      // Hash exactly what is stored: the JSON round trip drops undefined fields as marshall does.
      const item = JSON.parse(JSON.stringify(body)) as Record<string, unknown> & typeof key;
      const hash = chainHash(this.#key, item);
      const outcome = await this.#table.commit([
        await this.#table.put('entry', { ...item, hash }, {}, conditions.absent),
        await this.#table.put(
          'head',
          { ...headKey, seq: item.seq as number, hash, ttl },
          {},
          head
            ? { expression: '#seq = :seq', names: { '#seq': 'seq' }, values: { ':seq': head.seq } }
            : conditions.absent,
        ),
      ]);
      if (outcome.ok) return;
      if (attempt >= MAX_ATTEMPTS) throw new Error('audit append lost the race for its partition head');
    }
  }

  async #head(key: { pk: string; sk: string }): Promise<ChainHead | undefined> {
    const found = await this.#table.get(key);
    if (!found) return undefined;
    return { seq: Number(found.item.seq), hash: String(found.item.hash) };
  }

  async about(userId: string): Promise<AuditView[]> {
    const stored = await this.#table.queryAll({
      pk: keys.auditUser(userId),
      index: { name: 'auditByUser', pk: 'auditUser', sk: 'auditAt' },
      newestFirst: true,
    });
    return stored.map(({ item }) => ({
      event: String(item.event),
      at: String(item.at),
      ...(item.sessionId ? { sessionId: String(item.sessionId) } : {}),
      ...(item.detail ? { detail: item.detail as AuditView['detail'] } : {}),
    }));
  }

  /** One partition's entries and head, as stored (for verification). */
  async partition(day: string, shard: number) {
    const items = await this.#table.queryAll({ pk: keys.auditPartition(day, shard) });
    const plain = items.map((i) => i.item as Record<string, unknown>);
    const head = plain.find((i) => i.sk === keys.auditHeadSk);
    return {
      partition: keys.auditPartition(day, shard),
      entries: plain.filter((i) => i.sk !== keys.auditHeadSk),
      head: head ? { seq: Number(head.seq), hash: String(head.hash) } : undefined,
    };
  }
}
