import { macMatches } from '../kernel/audit/audit-entry';
import { type ChainProblem, decodeRef, refMatches, verifyDayChain } from './audit-chain';
import type { AuditChainStore } from './ports';

export type EntryProblem =
  /** The entry's MAC does not match it, or not the MAC its block recorded. */
  | { readonly kind: 'entry_edited'; readonly pk: string; readonly sk: string }
  /** A block names an entry that is not there (deleted, or moved to another key). */
  | { readonly kind: 'entry_missing'; readonly pk: string; readonly sk: string }
  /** No block names the entry, longer after its writing than the chain is allowed to lag. */
  | { readonly kind: 'unchained'; readonly pk: string; readonly sk: string; readonly ageSeconds: number };

export type AuditProblem = ChainProblem | EntryProblem;

export interface AuditReport {
  readonly days: readonly string[];
  readonly entries: number;
  readonly blocks: number;
  /** Entries no block names yet, younger than the allowed lag: the chain has not reached them. */
  readonly pending: number;
  readonly problems: readonly AuditProblem[];
}

/** Days from `from` to `to` inclusive, as `YYYY-MM-DD` (UTC, as partitions are keyed). */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let at = Date.parse(`${from}T00:00:00Z`); at <= end; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * Verifies the audit trail of the days in range:
 * 1. each day's chain: numbering, block MACs, links (to the previous day's head too), the head;
 * 2. every entry of those days against its own MAC;
 * 3. every entry a block names (blocks of the range and the day after, which may chain the last
 *    minutes of the range) against the entry stored at that key: missing or another MAC;
 * 4. entries no block names: pending while younger than `maxUnchainedSeconds`, a problem after.
 */
export async function verifyAudit(
  deps: { chain: AuditChainStore; auditKey: Uint8Array },
  range: { from: string; to: string; now: number; maxUnchainedSeconds: number },
): Promise<AuditReport> {
  const days = daysBetween(range.from, range.to);
  const chainDays = [...days, shift(range.to, 1)];
  const [blocksByDay, heads, entriesByDay] = await Promise.all([
    Promise.all(chainDays.map((day) => deps.chain.blocks(day))),
    Promise.all([shift(range.from, -1), ...chainDays].map((day) => deps.chain.head(day))),
    Promise.all(days.map((day) => deps.chain.entries(day))),
  ]);
  const problems: AuditProblem[] = [];
  chainDays.forEach((day, i) => {
    // A day with no chain of its own before the range: its link is not checked (unknown).
    const previous = heads[i];
    problems.push(
      ...verifyDayChain(deps.auditKey, day, blocksByDay[i] ?? [], heads[i + 1], previous ?? null),
    );
  });

  const inRange = new Set(days);
  const named = new Map<string, string[]>();
  for (const { block } of blocksByDay.flat()) {
    for (const encoded of block.refs) {
      const ref = decodeRef(encoded);
      if (!ref || !inRange.has(ref.sk.slice(0, 10))) continue;
      const id = `${ref.pk} ${ref.sk}`;
      named.set(id, [...(named.get(id) ?? []), ref.macPrefix]);
    }
  }
  let pending = 0;
  const seen = new Set<string>();
  const entries = entriesByDay.flat();
  for (const entry of entries) {
    const pk = String(entry.pk);
    const sk = String(entry.sk);
    const id = `${pk} ${sk}`;
    seen.add(id);
    const prefixes = named.get(id);
    if (!macMatches(deps.auditKey, entry) || prefixes?.some((p) => !refMatches(p, String(entry.mac)))) {
      problems.push({ kind: 'entry_edited', pk, sk });
    } else if (!prefixes) {
      const ageSeconds = Math.floor((range.now - Date.parse(sk.slice(0, 24))) / 1000);
      if (ageSeconds > range.maxUnchainedSeconds) problems.push({ kind: 'unchained', pk, sk, ageSeconds });
      else pending++;
    }
  }
  for (const id of named.keys()) {
    if (seen.has(id)) continue;
    const [pk = '', sk = ''] = id.split(' ');
    problems.push({ kind: 'entry_missing', pk, sk });
  }
  return {
    days,
    entries: entries.length,
    blocks: blocksByDay.reduce((n, day) => n + day.length, 0),
    pending,
    problems,
  };
}
