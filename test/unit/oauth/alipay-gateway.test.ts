import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alipayTimestamp,
  memberText,
  rsa2Sign,
  rsa2Verify,
  signContent,
} from '../../../functions/providers/miniprogram/alipay-gateway';

describe('Alipay gateway signing', () => {
  it('signs the sorted, non-empty parameters but sign, unencoded', () => {
    expect(
      signContent({
        method: 'alipay.system.oauth.token',
        app_id: '2021',
        sign: 'x',
        code: '',
        charset: 'utf-8',
        biz: 'a=b&c',
      }),
    ).toBe('app_id=2021&biz=a=b&c&charset=utf-8&method=alipay.system.oauth.token');
  });

  it('verifies RSA2 with the public key, and refuses other content, keys and garbage', () => {
    const keys = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const sig = rsa2Sign('"ciphertext"', keys.privateKey);
    expect(rsa2Verify('"ciphertext"', sig, keys.publicKey)).toBe(true);
    expect(rsa2Verify('ciphertext', sig, keys.publicKey)).toBe(false);
    expect(rsa2Verify('"ciphertext"', sig, other.publicKey)).toBe(false);
    expect(rsa2Verify('"ciphertext"', 'not base64!', keys.publicKey)).toBe(false);
    expect(rsa2Verify('"ciphertext"', sig, 'not a key')).toBe(false);
  });

  it('finds the exact text of a response node, strings with braces and escapes included', () => {
    const node = '{"user_id":"2088","note":"a}\\"b{","nested":{"x":[1,{"y":"}"}]}}';
    const body = `{ "alipay_system_oauth_token_response" : ${node},"sign":"abc"}`;
    expect(memberText(body, 'alipay_system_oauth_token_response')).toBe(node);
    expect(memberText(body, 'sign')).toBe('"abc"');
    expect(memberText(body, 'error_response')).toBeUndefined();
    expect(
      memberText(
        '{"alipay_system_oauth_token_response":{"unterminated":',
        'alipay_system_oauth_token_response',
      ),
    ).toBeUndefined();
  });

  it('stamps requests in Beijing time', () => {
    expect(alipayTimestamp(new Date('2026-11-30T16:30:05Z'))).toBe('2026-12-01 00:30:05');
  });
});
