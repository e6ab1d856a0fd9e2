/** A one-time code. */
export interface CodeSms {
  readonly kind?: 'code';
  /** E.164. */
  readonly phone: string;
  readonly code: string;
  readonly ttlMinutes: number;
}

/** A security notice (no code): its own registered template at each provider. */
export type NoticeSms = {
  readonly kind: 'notice';
  /** E.164. */
  readonly phone: string;
} & (
  | {
      /** Someone asked to move the account off this number, effective in `hours`. */
      readonly notice: 'phone_recovery';
      readonly hours: number;
    }
  | {
      /** A new way to log in (a WeChat, QQ, Weibo or Alipay identity) was linked to the account. */
      readonly notice: 'identity_linked';
      readonly provider: string;
    }
  | {
      /**
       * A security incident involved the person's information (PIPL art. 57): the SMS points to
       * the notice in the app's inbox, which says what, why, the harm and what to do.
       */
      readonly notice: 'incident';
    }
);

export type NoticeKind = NoticeSms['notice'];

export type SmsMessage = CodeSms | NoticeSms;

export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}
