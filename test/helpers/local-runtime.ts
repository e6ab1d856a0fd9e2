import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../bin/local/runtime';

/** The runtime of one test file, read once `beforeAll` has started it. */
export interface FileRuntime {
  readonly runtime: LocalRuntime;
  /** Its keys, outbox and stand-ins' files. */
  readonly dataDir: string;
}

/**
 * Starts the whole local API for one test file (its own data directory and table, on the shared
 * DynamoDB Local, on a free port) before its tests, and stops it after them.
 */
export function runtimePerFile(
  name: string,
  options: Partial<Omit<LocalRuntimeOptions, 'dataDir' | 'dynamoEndpoint' | 'tableName'>> = {},
): FileRuntime {
  let runtime: LocalRuntime | undefined;
  let dataDir: string | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), `po-e2e-${name}-`));
    runtime = await startLocalRuntime({
      port: 0,
      ...options,
      dataDir,
      dynamoEndpoint: inject('dynamoEndpoint'),
      tableName: `e2e-${name}-${Date.now()}`,
    });
  });
  afterAll(() => runtime?.stop());
  return {
    get runtime() {
      if (!runtime) throw new Error('the runtime starts in beforeAll: read it inside a test or hook');
      return runtime;
    },
    get dataDir() {
      if (!dataDir) throw new Error('the data directory is made in beforeAll');
      return dataDir;
    },
  };
}
