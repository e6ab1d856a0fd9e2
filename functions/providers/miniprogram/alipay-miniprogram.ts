import { createDecipheriv } from 'node:crypto';
import type { Clock } from '../../core/clock';
import type { OAuthProfile } from '../oauth/ports';
import { alipayTimestamp, memberText, rsa2Sign, rsa2Verify, signContent } from './alipay-gateway';
import { platformCall } from './http';
import { type MiniProgramClient, MiniProgramError, type VouchedPhone } from './ports';

export interface AlipayAppKeys {
  /** The app's private key (PEM, PKCS#8): signs gateway requests. */
  readonly privateKey: string;
  /** Alipay's public key (PEM): verifies its answers and the phone payload. */
  readonly alipayPublicKey: string;
  /** The app's content encryption key (base64, AES-128/192/256). */
  readonly aesKey: string;
}

/**
 * Alipay mini-program: `alipay.system.oauth.token` (grant_type authorization_code) on the RSA2
 * gateway turns a `my.getAuthCode` code into user_id / open_id; `my.getPhoneNumber`'s response is
 * checked (RSA2 over the quoted ciphertext, Alipay's public key), decrypted (AES-CBC, zero IV,
 * PKCS#7) and accepted only with code 10000.
 */
export class AlipayMiniProgram implements MiniProgramClient {
  readonly platform = 'alipay' as const;
  readonly #gateway: string;
  readonly #keysFor: (appId: string) => AlipayAppKeys;
  readonly #clock: Clock;

  constructor(options: { gateway: string; keysFor: (appId: string) => AlipayAppKeys }, clock: Clock) {
    this.#gateway = options.gateway;
    this.#keysFor = options.keysFor;
    this.#clock = clock;
  }

  async login(appId: string, authCode: string): Promise<OAuthProfile> {
    const keys = this.#keysFor(appId);
    const params: Record<string, string> = {
      app_id: appId,
      method: 'alipay.system.oauth.token',
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: alipayTimestamp(this.#clock.now()),
      version: '1.0',
      grant_type: 'authorization_code',
      code: authCode,
    };
    params.sign = rsa2Sign(signContent(params), keys.privateKey);
    const { text, json } = await platformCall('alipay', `${this.#gateway}?charset=utf-8`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      body: new URLSearchParams(params).toString(),
    });
    const node = json.alipay_system_oauth_token_response
      ? 'alipay_system_oauth_token_response'
      : 'error_response';
    const signed = memberText(text, node);
    if (!signed || typeof json.sign !== 'string' || !rsa2Verify(signed, json.sign, keys.alipayPublicKey))
      throw new MiniProgramError('alipay', 'unavailable', 'answer_signature_invalid');
    if (node === 'error_response') {
      const error = json.error_response as { code?: string; sub_code?: string };
      const sub = String(error.sub_code ?? error.code ?? 'error');
      throw new MiniProgramError('alipay', sub === 'isv.code-invalid' ? 'code_invalid' : 'unavailable', sub);
    }
    const answer = json.alipay_system_oauth_token_response as { user_id?: unknown; open_id?: unknown };
    const userId = typeof answer.user_id === 'string' && answer.user_id ? answer.user_id : undefined;
    const openId = typeof answer.open_id === 'string' && answer.open_id ? answer.open_id : userId;
    if (!openId) throw new MiniProgramError('alipay', 'unavailable', 'no_user');
    // user_id is the same across an Alipay user's apps: the key that finds them from any of ours.
    return { provider: 'alipay', appId, openId, unionId: userId };
  }

  async phone(appId: string, proof: string): Promise<VouchedPhone> {
    const keys = this.#keysFor(appId);
    let payload: { response?: unknown; sign?: unknown; sign_type?: unknown; encrypt_type?: unknown };
    try {
      payload = JSON.parse(proof) as typeof payload;
    } catch {
      throw new MiniProgramError('alipay', 'phone_payload_invalid', 'not_json');
    }
    const { response, sign } = payload;
    if (typeof response !== 'string' || typeof sign !== 'string' || (payload.sign_type ?? 'RSA2') !== 'RSA2')
      throw new MiniProgramError('alipay', 'phone_payload_invalid', 'fields');
    // Encrypted content is signed with its quotes.
    if (!rsa2Verify(`"${response}"`, sign, keys.alipayPublicKey))
      throw new MiniProgramError('alipay', 'phone_payload_invalid', 'signature');
    let plain: { code?: unknown; subCode?: unknown; mobile?: unknown };
    try {
      const key = Buffer.from(keys.aesKey, 'base64');
      const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
      const text = Buffer.concat([
        decipher.update(Buffer.from(response, 'base64')),
        decipher.final(),
      ]).toString('utf8');
      plain = JSON.parse(text) as typeof plain;
    } catch {
      throw new MiniProgramError('alipay', 'phone_payload_invalid', 'decrypt');
    }
    if (String(plain.code) !== '10000')
      throw new MiniProgramError('alipay', 'phone_not_authorized', String(plain.subCode ?? plain.code));
    if (typeof plain.mobile !== 'string')
      throw new MiniProgramError('alipay', 'phone_payload_invalid', 'no_mobile');
    // Decrypted with this app's key: it was obtained for this app.
    return { number: plain.mobile, countryCode: '86', appId };
  }
}
