import { describe, expect, it } from 'vitest';
import { negotiateLang, problemCatalog } from '../../../functions/core/messages';

describe('negotiateLang', () => {
  it('defaults to zh-CN without a header', () => {
    expect(negotiateLang(undefined)).toBe('zh-CN');
  });

  it('picks English for en and its regional tags', () => {
    expect(negotiateLang('en')).toBe('en');
    expect(negotiateLang('en-GB,en;q=0.8')).toBe('en');
  });

  it('honours q-values over order', () => {
    expect(negotiateLang('en;q=0.3, zh-CN;q=0.9')).toBe('zh-CN');
    expect(negotiateLang('zh;q=0.2, en;q=0.5')).toBe('en');
  });

  it('ignores languages it does not speak and q=0', () => {
    expect(negotiateLang('fr-FR, de;q=0.9')).toBe('zh-CN');
    expect(negotiateLang('en;q=0, zh-TW')).toBe('zh-CN');
  });
});

describe('problemCatalog', () => {
  it('has a title and detail in both languages for every code', () => {
    for (const [code, spec] of Object.entries(problemCatalog)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      for (const lang of ['zh-CN', 'en'] as const) {
        expect(spec.title[lang].length, `${code} title ${lang}`).toBeGreaterThan(0);
        expect(spec.detail[lang].length, `${code} detail ${lang}`).toBeGreaterThan(0);
      }
    }
  });
});
