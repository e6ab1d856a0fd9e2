import { describe, expect, it } from 'vitest';
import {
  hasUnsafeCharacters,
  unsafeStringPaths,
  withoutUnsafeCharacters,
} from '../../../functions/core/text';

describe('unsafe characters', () => {
  it('flags controls, bidi overrides, zero-width characters and separators, not Chinese or emoji', () => {
    for (const bad of [
      'a\u0000b',
      'a\u202eb',
      'a\u2066b',
      'a\u200bb',
      'a\ufeffb',
      'a\u2028b',
      'a\nb',
      'a\u0085b',
    ]) {
      expect(hasUnsafeCharacters(bad)).toBe(true);
    }
    for (const good of ['张三', 'Zhang San', 'O’Brien', '欧阳·娜娜', '😀', 'café']) {
      expect(hasUnsafeCharacters(good)).toBe(false);
    }
  });

  it('strips them from text kept but not asked for', () => {
    expect(withoutUnsafeCharacters('Mozilla\u202e/5.0\u0000')).toBe('Mozilla/5.0');
  });

  it('names every path holding one, keys included, however deep', () => {
    let deep: unknown = 'x\u202e';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(unsafeStringPaths({ a: 'ok', b: ['x', 'y\u200b'], 'c\u0000': 1 }, 'body')).toEqual([
      'body.<key>',
      'body.b.1',
    ]);
    expect(unsafeStringPaths(deep, 'body')).toHaveLength(1);
  });
});
