import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One SMS the local sender wrote (functions/providers/local/local-sms-sender.ts). */
export interface OutboxMessage {
  readonly to: string;
  /** A one-time code; notices carry `notice` instead. */
  readonly code: string;
  readonly notice?: string;
  readonly text: string;
}

/** Every SMS sent to `to` (E.164) under a local runtime's data directory, oldest first. */
export function outboxMessages(dataDir: string, to: string): OutboxMessage[] {
  const path = join(dataDir, 'outbox', 'sms.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutboxMessage)
    .filter((m) => m.to === to);
}

/** The newest SMS with a code to `to`; throws when there is none. */
export function lastMessage(dataDir: string, to: string): OutboxMessage {
  const message = outboxMessages(dataDir, to)
    .filter((m) => m.notice === undefined)
    .at(-1);
  if (!message) throw new Error(`no SMS to ${to} in the outbox`);
  return message;
}

/**
 * Follows the outbox as it grows (reading only what was appended since the last look): the load
 * test reads thousands of codes without rereading the file for each.
 */
export class OutboxTail {
  readonly #path: string;
  #offset = 0;
  #partial = '';
  readonly #codes = new Map<string, string>();

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'outbox', 'sms.jsonl');
  }

  /** The newest code sent to `to` (E.164), or undefined. */
  codeFor(to: string): string | undefined {
    if (existsSync(this.#path)) {
      const size = statSync(this.#path).size;
      if (size > this.#offset) {
        const fd = openSync(this.#path, 'r');
        try {
          const chunk = Buffer.alloc(size - this.#offset);
          readSync(fd, chunk, 0, chunk.length, this.#offset);
          this.#offset = size;
          const lines = (this.#partial + chunk.toString('utf8')).split('\n');
          this.#partial = lines.pop() ?? '';
          for (const line of lines.filter(Boolean)) {
            const message = JSON.parse(line) as OutboxMessage;
            if (message.notice === undefined) this.#codes.set(message.to, message.code);
          }
        } finally {
          closeSync(fd);
        }
      }
    }
    return this.#codes.get(to);
  }
}
