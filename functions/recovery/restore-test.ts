/**
 * The scheduled restore test (AWS Backup restore testing is not in the China regions'
 * CloudFormation, so this is ours): each run checks the table the previous run restored, drops it,
 * and restores the newest recovery point again for the next run to check. A backup nobody has
 * restored is a hope, not a backup.
 */

export interface RecoveryPoint {
  readonly id: string;
  /** Unix ms the backup was taken. */
  readonly createdAt: number;
}

/** Port: where backups are and how one is restored (AWS Backup; a table copy locally). */
export interface RecoveryPoints {
  newest(): Promise<RecoveryPoint | undefined>;
  /** Starts restoring `point` into a new table `tableName`; it may finish long after. */
  restore(point: RecoveryPoint, tableName: string): Promise<void>;
}

export interface ScratchTable {
  readonly name: string;
  /** False while the restore is still creating it. */
  readonly ready: boolean;
}

/** Port: the tables restore tests made (by their name prefix) and what a restored one holds. */
export interface ScratchTables {
  list(): Promise<ScratchTable[]>;
  /** Opens the restored items and verifies the audit chain of the backup's last two days. */
  check(name: string, backupTakenAt: number): Promise<RestoreCheck>;
  drop(name: string): Promise<void>;
}

export interface RestoreCheck {
  readonly items: number;
  /** Sealed items that opened with this region's keys, and those that did not. */
  readonly opened: number;
  readonly unopened: number;
  readonly auditEntries: number;
  readonly auditProblems: number;
}

export type RestoreOutcome =
  | { readonly table: string; readonly result: 'passed'; readonly check: RestoreCheck }
  | { readonly table: string; readonly result: 'failed'; readonly why: string; readonly check?: RestoreCheck }
  | { readonly table: string; readonly result: 'pending' };

export interface RestoreTestReport {
  readonly checked: readonly RestoreOutcome[];
  /** The restore this run started, for the next run to check. */
  readonly started?: { readonly table: string; readonly backupTakenAt: number };
  /** Why none was started, when that is a failure (no backup, or none recent). */
  readonly problem?: string;
}

const STAMP = /-rt-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;

/** `<prefix>-rt-20261203T183000`: the name says when the backup was taken (to the second). */
export function scratchName(prefix: string, backupTakenAt: number): string {
  const iso = new Date(backupTakenAt).toISOString();
  return `${prefix}-rt-${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 19).replace(/:/g, '')}`;
}

export function backupTimeOf(name: string): number | undefined {
  const m = STAMP.exec(name);
  if (!m) return undefined;
  const time = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(time) ? undefined : time;
}

export interface RestoreTestDeps {
  readonly points: RecoveryPoints;
  readonly scratch: ScratchTables;
  /** The scratch tables' prefix (the live table's name). */
  readonly prefix: string;
  /** A restore not finished by then failed; a newest backup older than this is a failure. */
  readonly maxRestoreMs: number;
  readonly maxBackupAgeMs: number;
}

export async function runRestoreTest(deps: RestoreTestDeps, now: number): Promise<RestoreTestReport> {
  const checked: RestoreOutcome[] = [];
  const seen = new Set<string>();
  let inProgress = false;
  for (const table of await deps.scratch.list()) {
    const takenAt = backupTimeOf(table.name);
    if (takenAt === undefined) continue;
    seen.add(table.name);
    if (!table.ready) {
      if (now - takenAt > deps.maxRestoreMs) {
        checked.push({ table: table.name, result: 'failed', why: 'the restore did not finish in time' });
        await deps.scratch.drop(table.name);
      } else {
        checked.push({ table: table.name, result: 'pending' });
        inProgress = true;
      }
      continue;
    }
    const check = await deps.scratch.check(table.name, takenAt);
    const why =
      check.items === 0
        ? 'the restored table is empty'
        : check.opened === 0
          ? 'no sealed item in the restored table'
          : check.unopened > 0
            ? `${check.unopened} sealed item(s) did not open`
            : check.auditProblems > 0
              ? `the audit chain has ${check.auditProblems} problem(s)`
              : undefined;
    checked.push(
      why
        ? { table: table.name, result: 'failed', why, check }
        : { table: table.name, result: 'passed', check },
    );
    await deps.scratch.drop(table.name);
  }
  if (inProgress) return { checked };
  const point = await deps.points.newest();
  if (!point) return { checked, problem: 'no recovery point to restore' };
  const table = scratchName(deps.prefix, point.createdAt);
  const age = now - point.createdAt;
  const old =
    age > deps.maxBackupAgeMs
      ? { problem: `the newest recovery point is ${Math.floor(age / 3_600_000)} hours old` }
      : {};
  // The backup just checked is still the newest: nothing new to restore (its table is being dropped).
  if (seen.has(table)) return { checked, ...old };
  await deps.points.restore(point, table);
  return { checked, started: { table, backupTakenAt: point.createdAt }, ...old };
}
