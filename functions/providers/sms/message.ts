import type { IdentityProviderName } from '../../core/config';
import type { NoticeSms, SmsMessage } from './ports';

export interface SmsTextOptions {
  readonly signName: string;
  readonly androidAppHash?: string | undefined;
  readonly webOtpHost?: string | undefined;
}

/**
 * The text a person receives. Providers render it from a registered template; this renders the
 * same template for the local sender. The last lines let phones fill the code in: an Android SMS
 * Retriever hash, and an origin-bound `@host #code` line (WebOTP).
 */
export function renderSmsText(options: SmsTextOptions, message: SmsMessage): string {
  if (message.kind === 'notice') {
    if (message.notice === 'incident') {
      return `【${options.signName}】我们发现一起可能涉及您个人信息的安全事件。事件经过、涉及的信息和您可以采取的措施，请登录后在“消息”中查看。`;
    }
    if (message.notice === 'identity_linked') {
      return `【${options.signName}】您的账号刚刚绑定了新的登录方式（${providerLabel(message.provider)}）。如非本人操作，请立即登录解除绑定。`;
    }
    return `【${options.signName}】您的账号正在申请将绑定手机号更换为其他号码，${message.hours} 小时后生效。如非本人操作，请立即登录取消。`;
  }
  const lines = [
    `【${options.signName}】您的验证码是 ${message.code}，${message.ttlMinutes} 分钟内有效。请勿告诉他人。`,
  ];
  if (options.androidAppHash) lines.push(options.androidAppHash);
  if (options.webOtpHost) lines.push('', `@${options.webOtpHost} #${message.code}`);
  return lines.join('\n');
}

/** Each login's name in a notice (the type asks for every one). */
const providerLabels: Readonly<Record<IdentityProviderName, string>> = {
  wechat: '微信',
  qq: 'QQ',
  weibo: '微博',
  alipay: '支付宝',
};

function providerLabel(provider: string): string {
  return Object.hasOwn(providerLabels, provider)
    ? providerLabels[provider as IdentityProviderName]
    : provider;
}

/**
 * A notice's template parameters, by name (Aliyun's TemplateParam object) and in order (Tencent's
 * TemplateParamSet): each notice's registered template has exactly these variables.
 */
export function noticeParams(message: NoticeSms): Record<string, string> {
  if (message.notice === 'incident') return {};
  return message.notice === 'identity_linked'
    ? { provider: providerLabel(message.provider) }
    : { hours: String(message.hours) };
}

/** A provider refused or failed; `code` is the provider's own error code (never message text). */
export class SmsProviderError extends Error {
  readonly provider: string;
  readonly code: string;
  constructor(provider: string, code: string, options?: { cause?: unknown }) {
    super(`${provider} SMS failed: ${code}`, options);
    this.name = 'SmsProviderError';
    this.provider = provider;
    this.code = code;
  }
}
