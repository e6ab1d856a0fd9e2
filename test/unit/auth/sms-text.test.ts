import { describe, expect, it } from 'vitest';
import { renderSmsText } from '../../../functions/providers/sms/message';

const message = { phone: '+8613912345678', code: '042917', ttlMinutes: 5 };

describe('renderSmsText', () => {
  it('carries the sign name, code and lifetime', () => {
    expect(renderSmsText({ signName: '患者服务' }, message)).toBe(
      '【患者服务】您的验证码是 042917，5 分钟内有效。请勿告诉他人。',
    );
  });

  it('ends with the origin-bound line and keeps the Android app hash before it', () => {
    const text = renderSmsText(
      { signName: 'S', androidAppHash: 'FA+9qCX9VSu', webOtpHost: 'app.example.cn' },
      message,
    );
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('@app.example.cn #042917');
    expect(lines).toContain('FA+9qCX9VSu');
  });

  it('renders a notice without any code or one-time-code lines', () => {
    const text = renderSmsText(
      { signName: '患者服务', webOtpHost: 'app.example.cn' },
      { kind: 'notice', notice: 'phone_recovery', phone: '+8613912345678', hours: 24 },
    );
    expect(text).toBe(
      '【患者服务】您的账号正在申请将绑定手机号更换为其他号码，24 小时后生效。如非本人操作，请立即登录取消。',
    );
  });
});
