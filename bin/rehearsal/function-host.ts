import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { PlannedFunction } from './plan';

interface Answer {
  readonly result?: unknown;
  readonly error?: string;
  readonly undeclared: readonly string[];
}

/**
 * One instance of a function, as Lambda runs it: its built asset loaded in a thread of its own
 * with its environment, one invocation at a time, ended when an invocation outruns the timeout
 * (the next invocation gets a cold instance).
 */
class Instance {
  readonly ready: Promise<{ exported: boolean; error?: string }>;
  busy = false;
  undeclared: readonly string[] = [];
  readonly #worker: Worker;
  readonly #pending = new Map<string, (answer: Answer) => void>();
  #dead = false;

  constructor(fn: PlannedFunction, env: Record<string, string>) {
    this.#worker = new Worker(new URL('./asset-worker.mjs', import.meta.url), {
      workerData: { name: fn.id, assetDir: fn.assetDir, handler: fn.handler },
      env,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, fn.memoryMb) },
    });
    this.#worker.unref();
    this.ready = new Promise((resolve) => {
      this.#worker.on('message', (message: Answer & { kind: string; id?: string; exported?: boolean }) => {
        this.undeclared = message.undeclared;
        if (message.kind === 'ready')
          resolve({
            exported: message.exported === true,
            ...(message.error ? { error: message.error } : {}),
          });
        else if (message.id) this.#pending.get(message.id)?.(message);
      });
      this.#worker.on('error', (error) => {
        this.#dead = true;
        resolve({ exported: false, error: String(error) });
        for (const done of this.#pending.values())
          done({ error: String(error), undeclared: this.undeclared });
      });
    });
  }

  get dead() {
    return this.#dead;
  }

  invoke(event: unknown, timeoutMs: number): Promise<Answer> {
    const id = randomUUID();
    this.busy = true;
    return new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        this.#dead = true;
        void this.#worker.terminate();
        resolve({ error: `Task timed out after ${timeoutMs / 1000} seconds`, undeclared: this.undeclared });
      }, timeoutMs);
      this.#pending.set(id, (answer) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(answer);
      });
      this.#worker.postMessage({ id, event });
    }).finally(() => {
      this.busy = false;
    });
  }

  stop() {
    this.#dead = true;
    return this.#worker.terminate();
  }
}

export class FunctionError extends Error {
  constructor(
    readonly functionId: string,
    message: string,
  ) {
    super(`${functionId}: ${message}`);
    this.name = 'FunctionError';
  }
}

/**
 * The functions of a plan, each a pool of instances (a new one when all are busy, up to a few),
 * each instance with the environment the template gives it (`environment(fn)`).
 */
export class FunctionHost {
  readonly #functions: ReadonlyMap<string, PlannedFunction>;
  readonly #environment: (fn: PlannedFunction) => Record<string, string>;
  readonly #pools = new Map<string, Instance[]>();
  readonly #waiting = new Map<string, Array<() => void>>();
  /** Variables each function read that its environment did not hold. */
  readonly undeclared = new Map<string, Set<string>>();
  readonly #maxInstances: number;

  constructor(
    functions: ReadonlyMap<string, PlannedFunction>,
    environment: (fn: PlannedFunction) => Record<string, string>,
    maxInstances = 3,
  ) {
    this.#functions = functions;
    this.#environment = environment;
    this.#maxInstances = maxInstances;
  }

  async #instance(id: string): Promise<Instance> {
    const fn = this.#functions.get(id);
    if (!fn) throw new Error(`no function ${id} in the template`);
    for (;;) {
      const pool = (this.#pools.get(id) ?? []).filter((i) => !i.dead);
      this.#pools.set(id, pool);
      const idle = pool.find((i) => !i.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (pool.length < this.#maxInstances) {
        const created = new Instance(fn, this.#environment(fn));
        created.busy = true;
        pool.push(created);
        const ready = await created.ready;
        if (!ready.exported)
          throw new FunctionError(id, `handler ${fn.handler} not loaded: ${ready.error ?? 'no export'}`);
        return created;
      }
      await new Promise<void>((resolve) =>
        this.#waiting.set(id, [...(this.#waiting.get(id) ?? []), resolve]),
      );
    }
  }

  /**
   * Cold-starts an instance of a function (it joins the pool): whether its handler loaded, and the
   * variables its code read at import that its environment does not hold.
   */
  async load(id: string): Promise<{ exported: boolean; error?: string; undeclared: readonly string[] }> {
    const fn = this.#functions.get(id);
    if (!fn) throw new Error(`no function ${id} in the template`);
    const instance = new Instance(fn, this.#environment(fn));
    this.#pools.set(id, [...(this.#pools.get(id) ?? []), instance]);
    const ready = await instance.ready;
    return { ...ready, undeclared: instance.undeclared };
  }

  /** Invokes a function and answers its result; its error (a thrown one, a timeout) rejects. */
  async invoke(id: string, event: unknown): Promise<unknown> {
    const instance = await this.#instance(id);
    const fn = this.#functions.get(id) as PlannedFunction;
    const answer = await instance.invoke(event, fn.timeoutSeconds * 1000);
    const seen = this.undeclared.get(id) ?? new Set<string>();
    for (const name of answer.undeclared) seen.add(name);
    this.undeclared.set(id, seen);
    const next = this.#waiting.get(id)?.shift();
    next?.();
    if (answer.error !== undefined) throw new FunctionError(id, answer.error);
    return answer.result;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#pools.values()].flat().map((i) => i.stop()));
  }
}
