import { existsSync, readFileSync } from 'node:fs';
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
