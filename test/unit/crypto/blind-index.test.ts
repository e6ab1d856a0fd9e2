import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlindIndexer } from '../../../functions/crypto/blind-index';

const key = new Uint8Array(32).fill(7);

describe('BlindIndexer', () => {
  it('gives one token for every spelling of a phone number', () => {
    const indexer = new BlindIndexer(key);
    const spellings = [
      '13800138000',
      '138 0013 8000',
      '+86 138-0013-8000',
      '008613800138000',
      '8613800138000',
    ];
    const tokens = new Set(spellings.map((s) => indexer.phone(s)));
    expect(tokens.size).toBe(1);
  });

  it('treats a lower-case x check character as X', () => {
    const indexer = new BlindIndexer(key);
    expect(indexer.idNumber('11010519491231002x')).toBe(indexer.idNumber('11010519491231002X'));
  });

  it('separates indexes and keys: the same value gives unrelated tokens', () => {
    const indexer = new BlindIndexer(key);
    expect(indexer.token('phone', 'v')).not.toBe(indexer.token('id-number', 'v'));
    expect(new BlindIndexer(randomBytes(32)).token('phone', 'v')).not.toBe(indexer.token('phone', 'v'));
  });

  it('never contains the value it indexes', () => {
    const indexer = new BlindIndexer(key);
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const token = indexer.phone(phone);
        expect(token).not.toContain(phone);
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      }),
    );
  });

  it('refuses short keys and non-phone input', () => {
    expect(() => new BlindIndexer(new Uint8Array(16))).toThrow();
    expect(() => new BlindIndexer(key).phone('12345')).toThrow();
  });
});
