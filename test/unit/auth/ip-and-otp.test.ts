import { describe, expect, it } from 'vitest';
import { codeMac, generateCode, macsEqual } from '../../../functions/auth/otp';
import { ipPrefix, isLoopback } from '../../../functions/kernel/network';
import type { Random } from '../../../functions/kernel/random';

const fixed = (value: number): Random => ({ int: () => value, bytes: (n) => new Uint8Array(n) });

describe('ipPrefix', () => {
  it('keeps /24 of IPv4 and /64 of IPv6', () => {
    expect(ipPrefix('203.0.113.77')).toBe('203.0.113.0/24');
    expect(ipPrefix('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(ipPrefix('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd:12::/64');
    expect(ipPrefix('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipPrefix('not an ip')).toBe('unknown');
  });

  it('knows loopback', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
  });
});

describe('generateCode', () => {
  it('pads to six digits and reaches both ends of the range', () => {
    expect(generateCode(fixed(0))).toBe('000000');
    expect(generateCode(fixed(42))).toBe('000042');
    expect(generateCode(fixed(999_999))).toBe('999999');
  });

  it('asks for [0, 1_000_000) so 999999 is possible', () => {
    let asked: [number, number] | undefined;
    const recording: Random = {
      int: (min, max) => {
        asked = [min, max];
        return 5;
      },
      bytes: (n) => new Uint8Array(n),
    };
    generateCode(recording);
    expect(asked).toEqual([0, 1_000_000]);
  });
});

describe('codeMac', () => {
  const pepper = new Uint8Array(32).fill(1);
  const binding = { challengeId: 'c1', phoneToken: 't1', purpose: 'login' as const };

  it('binds the code to challenge, number and purpose', () => {
    const mac = codeMac(pepper, binding, '123456');
    expect(codeMac(pepper, binding, '123456')).toBe(mac);
    expect(codeMac(pepper, { ...binding, challengeId: 'c2' }, '123456')).not.toBe(mac);
    expect(codeMac(pepper, { ...binding, phoneToken: 't2' }, '123456')).not.toBe(mac);
    expect(codeMac(pepper, { ...binding, purpose: 'bind' }, '123456')).not.toBe(mac);
    expect(codeMac(new Uint8Array(32).fill(2), binding, '123456')).not.toBe(mac);
    expect(mac).not.toContain('123456');
  });

  it('compares MACs of any length safely', () => {
    expect(macsEqual('abc', 'abc')).toBe(true);
    expect(macsEqual('abc', 'abd')).toBe(false);
    expect(macsEqual('abc', 'abcd')).toBe(false);
  });
});
