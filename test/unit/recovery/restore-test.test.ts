import { describe, expect, it } from 'vitest';
import {
  backupTimeOf,
  type RecoveryPoint,
  type RestoreCheck,
  runRestoreTest,
  scratchName,
} from '../../../functions/recovery/restore-test';

const HOUR = 3_600_000;
const now = Date.parse('2026-12-03T19:30:00Z');
const good: RestoreCheck = { items: 120, opened: 40, unopened: 0, auditEntries: 30, auditProblems: 0 };

/** AWS Backup and the scratch tables as the job sees them, recording what it does. */
function world(options: {
  point?: RecoveryPoint | undefined;
  tables?: Array<{ name: string; ready: boolean }>;
  check?: RestoreCheck;
}) {
  const tables = [...(options.tables ?? [])];
  const restored: string[] = [];
  const dropped: string[] = [];
  const checkedAt: number[] = [];
  return {
    restored,
    dropped,
    checkedAt,
    deps: {
      prefix: 'PatientOnboarding-prod-Data-TableCD117FA1-X',
      maxRestoreMs: 72 * HOUR,
      maxBackupAgeMs: 36 * HOUR,
      points: {
        newest: async () => options.point,
        restore: async (_point: RecoveryPoint, name: string) => {
          restored.push(name);
        },
      },
      scratch: {
        list: async () => tables,
        check: async (_name: string, takenAt: number) => {
          checkedAt.push(takenAt);
          return options.check ?? good;
        },
        drop: async (name: string) => {
          dropped.push(name);
        },
      },
    },
  };
}

describe('the restore test', () => {
  const prefix = 'PatientOnboarding-prod-Data-TableCD117FA1-X';
  const lastRun = scratchName(prefix, now - 80 * HOUR);

  it('names a scratch table by the backup time, and reads it back', () => {
    expect(scratchName(prefix, Date.parse('2026-12-02T18:30:05Z'))).toBe(`${prefix}-rt-20261202T183005`);
    expect(backupTimeOf(`${prefix}-rt-20261202T183005`)).toBe(Date.parse('2026-12-02T18:30:05Z'));
    expect(backupTimeOf(prefix)).toBeUndefined();
    expect(backupTimeOf(`${prefix}-rt-20261399T999999`)).toBeUndefined();
  });

  it('checks and drops what the last run restored, then restores the newest backup', async () => {
    const point = { id: 'rp-1', createdAt: now - HOUR };
    const w = world({ point, tables: [{ name: lastRun, ready: true }] });
    const report = await runRestoreTest(w.deps, now);
    expect(report.checked).toEqual([{ table: lastRun, result: 'passed', check: good }]);
    expect(w.checkedAt).toEqual([backupTimeOf(lastRun)]);
    expect(w.dropped).toEqual([lastRun]);
    expect(w.restored).toEqual([scratchName(prefix, point.createdAt)]);
    expect(report.problem).toBeUndefined();
  });

  it.each([
    [{ ...good, items: 0 }, 'the restored table is empty'],
    [{ ...good, opened: 0 }, 'no sealed item in the restored table'],
    [{ ...good, unopened: 3 }, '3 sealed item(s) did not open'],
    [{ ...good, auditProblems: 2 }, 'the audit chain has 2 problem(s)'],
  ])('fails a restored table that does not hold up: %o', async (check, why) => {
    const w = world({
      point: { id: 'rp', createdAt: now - HOUR },
      tables: [{ name: lastRun, ready: true }],
      check,
    });
    const report = await runRestoreTest(w.deps, now);
    expect(report.checked[0]).toMatchObject({ result: 'failed', why });
    expect(w.dropped).toEqual([lastRun]);
  });

  it('waits for a restore still running, and fails one that never finished', async () => {
    const recent = scratchName(prefix, now - 5 * HOUR);
    const waiting = world({
      point: { id: 'rp', createdAt: now - HOUR },
      tables: [{ name: recent, ready: false }],
    });
    expect((await runRestoreTest(waiting.deps, now)).checked).toEqual([{ table: recent, result: 'pending' }]);
    expect(waiting.restored).toEqual([]);
    expect(waiting.dropped).toEqual([]);

    const stuck = scratchName(prefix, now - 100 * HOUR);
    const w = world({ point: { id: 'rp', createdAt: now - HOUR }, tables: [{ name: stuck, ready: false }] });
    const report = await runRestoreTest(w.deps, now);
    expect(report.checked[0]).toMatchObject({ result: 'failed', why: 'the restore did not finish in time' });
    expect(w.dropped).toEqual([stuck]);
    expect(w.restored).toHaveLength(1);
  });

  it('says so when there is no backup, or only an old one', async () => {
    expect((await runRestoreTest(world({}).deps, now)).problem).toBe('no recovery point to restore');
    const old = world({ point: { id: 'rp', createdAt: now - 50 * HOUR } });
    const report = await runRestoreTest(old.deps, now);
    expect(report.problem).toBe('the newest recovery point is 50 hours old');
    expect(old.restored).toHaveLength(1);
  });

  it('does not restore again the backup it has just checked', async () => {
    const point = { id: 'rp', createdAt: now - 80 * HOUR };
    const w = world({ point, tables: [{ name: scratchName(prefix, point.createdAt), ready: true }] });
    const report = await runRestoreTest(w.deps, now);
    expect(report.checked[0]).toMatchObject({ result: 'passed' });
    expect(w.restored).toEqual([]);
    expect(report.started).toBeUndefined();
    expect(report.problem).toBe('the newest recovery point is 80 hours old');
  });

  it('leaves alone tables that are not its own', async () => {
    const w = world({
      point: { id: 'rp', createdAt: now - HOUR },
      tables: [{ name: `${prefix}-rt-notatime`, ready: true }],
    });
    expect((await runRestoreTest(w.deps, now)).checked).toEqual([]);
    expect(w.dropped).toEqual([]);
  });
});
