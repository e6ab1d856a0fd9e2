import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertNotInLambda } from '../../crypto/local-key-file';
import type { JobQueue } from '../jobs/ports';

/**
 * `npm start`'s queue: each job a file `<due epoch ms>-<id>.json` in the queue's folder, written
 * whole (a temporary name, then a rename), so a job survives the local runtime stopping as an SQS
 * message survives a Lambda. bin/local/queue-runner.ts plays the event source mapping: it hands
 * due files to the same worker handler Lambda runs.
 */
export class FileJobQueue<T> implements JobQueue<T> {
  readonly #dir: string;

  constructor(dir: string, env: NodeJS.ProcessEnv) {
    assertNotInLambda(env);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#dir = dir;
  }

  async enqueue(job: T, delaySeconds: number): Promise<void> {
    const due = Date.now() + Math.min(900, Math.max(0, delaySeconds)) * 1000;
    const name = `${String(due).padStart(15, '0')}-${randomBytes(8).toString('hex')}.json`;
    const temporary = join(this.#dir, `.${name}.tmp`);
    writeFileSync(temporary, JSON.stringify({ body: JSON.stringify(job), receiveCount: 0 }), { mode: 0o600 });
    renameSync(temporary, join(this.#dir, name));
  }
}
