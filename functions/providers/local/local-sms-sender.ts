import { appendFile, chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../../core/clock';
import { assertNotInLambda } from '../../crypto/local-key-file';
import { renderSmsText, type SmsTextOptions } from '../sms/message';
import type { SmsMessage, SmsSender } from '../sms/ports';

/**
 * `npm start`'s SMS: prints the message to the terminal and appends it to an outbox file
 * (`.data/outbox/sms.jsonl`) so a person, or the web client's tests, can read the code. Writing
 * codes out in plain is the point here, so it refuses to run inside Lambda.
 */
export class LocalSmsSender implements SmsSender {
  readonly name = 'local';
  readonly #outbox: string;
  readonly #text: SmsTextOptions;
  readonly #clock: Clock;
  readonly #print: (line: string) => void;

  constructor(outbox: string, text: SmsTextOptions, clock: Clock, print: (line: string) => void) {
    assertNotInLambda(process.env);
    this.#outbox = outbox;
    this.#text = text;
    this.#clock = clock;
    this.#print = print;
  }

  async send(message: SmsMessage): Promise<void> {
    const text = renderSmsText(this.#text, message);
    // Codes in plain: readable by this user only, like the local keys.
    await mkdir(dirname(this.#outbox), { recursive: true, mode: 0o700 });
    await appendFile(
      this.#outbox,
      `${JSON.stringify({
        at: this.#clock.now().toISOString(),
        to: message.phone,
        ...(message.kind === 'notice' ? { notice: message.notice } : { code: message.code }),
        text,
      })}\n`,
      { mode: 0o600 },
    );
    // `mode` only applies when the file is created; an outbox from an older checkout is narrowed too.
    await chmod(this.#outbox, 0o600);
    this.#print(`SMS to ${message.phone}: ${text.replaceAll('\n', ' | ')}`);
  }
}
