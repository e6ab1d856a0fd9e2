import { AUDIT_RETENTION_SECONDS, AUDIT_SHARDS } from '../kernel/audit/audit-entry';
import { keys } from '../store/keys';
import { conditions, type SealedTable } from '../store/sealed-table';
import type { ChainBlock, ChainHead } from './audit-chain';
import type { AuditChainStore, StoredBlock } from './ports';

/** Blocks outlive the entries they name by a month, so TTL never leaves an entry unchained. */
const BLOCK_RETENTION_SECONDS = AUDIT_RETENTION_SECONDS + 31 * 86_400;

/**
 * The chain in the table: a day's blocks spread over `AUDITCHAIN#<day>#<seq mod n>` (a rush makes
 * many blocks a second), its head at `AUDITCHAIN#<day>` / `HEAD`. A block and the head move in
 * one transaction, conditional on the head the block was built on: two writers racing for the
 * same sequence number cannot both win.
 */
export class DynamoAuditChain implements AuditChainStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async head(day: string): Promise<ChainHead | undefined> {
    const found = await this.#table.get(keys.auditChainHead(day));
    return found ? { seq: Number(found.item.seq), hash: String(found.item.hash) } : undefined;
  }

  async append(
    block: ChainBlock,
    expected: ChainHead | undefined,
    closing?: { day: string; head: ChainHead },
  ): Promise<boolean> {
    const ttl = Math.floor(block.at / 1000) + BLOCK_RETENTION_SECONDS;
    const open = { '#seq': 'seq', '#closed': 'closed' };
    const outcome = await this.#table.commit([
      await this.#table.put(
        'block',
        { ...keys.auditChainBlock(block.day, block.seq), ...block, refs: [...block.refs], ttl },
        {},
        conditions.absent,
      ),
      await this.#table.put(
        'head',
        { ...keys.auditChainHead(block.day), seq: block.seq, hash: block.hash, at: block.at, ttl },
        {},
        expected
          ? {
              expression: '#seq = :seq AND attribute_not_exists(#closed)',
              names: open,
              values: { ':seq': expected.seq },
            }
          : conditions.absent,
      ),
      // A day's first block closes the day before at the head it linked to: a writer whose clock
      // still says yesterday cannot add a block after today's chain has moved on from it.
      ...(closing
        ? [
            await this.#table.update(
              'closing',
              keys.auditChainHead(closing.day),
              { set: { closed: true } },
              {
                condition: {
                  expression: '#seq = :seq AND attribute_not_exists(#closed)',
                  names: open,
                  values: { ':seq': closing.head.seq },
                },
              },
            ),
          ]
        : []),
    ]);
    return outcome.ok;
  }

  async blocks(day: string): Promise<StoredBlock[]> {
    const pages = await Promise.all(
      keys.auditChainPartitions(day).map((pk) => this.#table.queryAll({ pk, consistent: true })),
    );
    return pages.flat().map(({ item }) => ({
      keySeq: keys.auditChainSeqOf(String(item.sk)),
      block: {
        day: String(item.day),
        seq: Number(item.seq),
        prev: String(item.prev),
        refs: Array.isArray(item.refs) ? item.refs.map(String) : [],
        at: Number(item.at),
        hash: String(item.hash),
      },
    }));
  }

  async entries(day: string): Promise<Array<Readonly<Record<string, unknown>>>> {
    const shards = Array.from({ length: AUDIT_SHARDS }, (_, shard) => keys.auditPartition(day, shard));
    const pages = await Promise.all(shards.map((pk) => this.#table.queryAll({ pk, consistent: true })));
    return pages.flat().map(({ item }) => item);
  }
}
