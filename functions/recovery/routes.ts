import type { Touches, WorkerDefinition } from '../core/route';

/** Recovery has no routes: its scheduled restore test. */
export const recoveryWorkers = {
  /**
   * Restores the newest backup into a scratch table, and at its next run opens what it restored,
   * verifies the audit chain in it and drops it (docs/deploy-china.md, restore tests).
   */
  restoreTest: {
    group: 'restore-test',
    handler: 'recovery/handlers/restore-test-job',
    trigger: 'schedule',
    touches: { dataKey: 'decrypt', appSecret: true, restoreTest: true } satisfies Touches,
  },
} as const satisfies Record<string, WorkerDefinition>;
