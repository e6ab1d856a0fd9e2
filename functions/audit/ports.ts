import type { ChainBlock, ChainHead } from './audit-chain';
/** A stored block with the sequence number its key gives it (a moved block disagrees). */
export interface StoredBlock {
  readonly keySeq: number;
  readonly block: ChainBlock;
}

/** Port: the chain's blocks and heads, and a day's entries as stored (adapter: dynamo-audit-chain.ts). */
export interface AuditChainStore {
  head(day: string): Promise<ChainHead | undefined>;
  /**
   * Writes the block and moves the day's head, if the head is still `expected` and the day not
   * closed; with `closing`, also closes that day at that head. False when either has moved.
   */
  append(
    block: ChainBlock,
    expected: ChainHead | undefined,
    closing?: { day: string; head: ChainHead },
  ): Promise<boolean>;
  blocks(day: string): Promise<StoredBlock[]>;
  entries(day: string): Promise<Array<Readonly<Record<string, unknown>>>>;
}
