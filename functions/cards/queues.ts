import { logger } from '../core/logger';

/** A queue of delayed jobs: HIS registrations and webhook deliveries. */
export interface JobQueue<T> {
  enqueue(job: T, delaySeconds: number): Promise<void>;
}

/**
 * The local runtime's queue: the same worker code, run in-process after the delay. Jobs are lost
 * when `npm start` stops, which is acceptable on a developer's machine.
 */
export class InProcessJobQueue<T> implements JobQueue<T> {
  readonly #run: (job: T) => Promise<unknown>;

  constructor(run: (job: T) => Promise<unknown>) {
    this.#run = run;
  }

  async enqueue(job: T, delaySeconds: number): Promise<void> {
    const timer = setTimeout(() => {
      this.#run(job).catch((error: unknown) => logger.error('local worker failed', error as Error));
    }, delaySeconds * 1000);
    timer.unref();
  }
}
