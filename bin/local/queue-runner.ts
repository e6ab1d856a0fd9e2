import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';

export interface QueueRunnerOptions {
  /** The queue's folder: jobs are files `<due epoch ms>-<id>.json` (functions/providers/local/file-job-queue.ts). */
  readonly dir: string;
  /** The worker's Lambda handler, as SQS invokes it. */
  readonly handler: (event: SQSEvent) => Promise<unknown>;
  readonly pollMs?: number;
  /** A failed job is offered again after this long, as SQS's visibility timeout does. */
  readonly visibilitySeconds?: number;
  /** After this many failed receives a job moves to `dead/` (the queue's DLQ). */
  readonly maxReceives?: number;
  readonly concurrency?: number;
  readonly onError?: (error: unknown) => void;
}

export interface QueueRunner {
  /** Resolves once no job is due or running (jobs due later do not count). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

interface JobFile {
  readonly body: string;
  readonly receiveCount: number;
}

/**
 * `npm start`'s SQS event source mapping: runs due job files through the worker handler, deletes
 * a job once its handler succeeds, offers a failed one again after the visibility timeout, and
 * moves it to `dead/` after the last receive. Jobs are files, so they outlive the process.
 */
export function startQueueRunner(options: QueueRunnerOptions): QueueRunner {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const running = new Map<string, Promise<void>>();
  const pollMs = options.pollMs ?? 100;
  let stopped = false;
  let waiters: Array<() => void> = [];

  const due = () =>
    readdirSync(options.dir)
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .sort()
      .filter((name) => Number(name.slice(0, 15)) <= Date.now());

  const run = async (name: string) => {
    const path = join(options.dir, name);
    let job: JobFile;
    try {
      job = JSON.parse(readFileSync(path, 'utf8')) as JobFile;
    } catch {
      return; // taken or half-written by a process that died: a whole file appears by rename
    }
    const receiveCount = job.receiveCount + 1;
    const event: SQSEvent = {
      Records: [
        {
          messageId: name.slice(16, -5),
          receiptHandle: name,
          body: job.body,
          attributes: {
            ApproximateReceiveCount: String(receiveCount),
            SentTimestamp: name.slice(0, 15),
            SenderId: 'local',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:local:sqs:${options.dir}`,
          awsRegion: 'local',
        },
      ],
    };
    try {
      await options.handler(event);
      rmSync(path, { force: true });
    } catch (error) {
      options.onError?.(error);
      const next: JobFile = { body: job.body, receiveCount };
      if (receiveCount >= (options.maxReceives ?? 5)) {
        mkdirSync(join(options.dir, 'dead'), { recursive: true, mode: 0o700 });
        writeFileSync(join(options.dir, 'dead', name), JSON.stringify(next), { mode: 0o600 });
        rmSync(path, { force: true });
        return;
      }
      const later = Date.now() + (options.visibilitySeconds ?? 30) * 1000;
      const renamed = `${String(later).padStart(15, '0')}${name.slice(15)}`;
      writeFileSync(join(options.dir, `.${renamed}.tmp`), JSON.stringify(next), { mode: 0o600 });
      renameSync(join(options.dir, `.${renamed}.tmp`), join(options.dir, renamed));
      rmSync(path, { force: true });
    }
  };

  const timer = setInterval(() => {
    if (stopped) return;
    let ready: string[];
    try {
      ready = due();
    } catch (error) {
      options.onError?.(error);
      return;
    }
    for (const name of ready) {
      if (running.size >= (options.concurrency ?? 4)) break;
      if (running.has(name)) continue;
      running.set(
        name,
        run(name).finally(() => running.delete(name)),
      );
    }
    if (running.size === 0 && ready.length === 0) {
      const settled = waiters;
      waiters = [];
      for (const resolve of settled) resolve();
    }
  }, pollMs);
  timer.unref();

  return {
    settled: () => new Promise<void>((resolve) => waiters.push(resolve)),
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled(running.values());
      for (const resolve of waiters) resolve();
    },
  };
}
