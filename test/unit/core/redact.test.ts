import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactText } from '../../../functions/core/redact';

const mainlandMobile = fc
  .tuple(fc.constantFrom('13', '14', '15', '16', '17', '18', '19'), fc.stringMatching(/^\d{9}$/))
  .map(([prefix, rest]) => `${prefix}${rest}`);

describe('redact', () => {
  it('replaces values under sensitive keys whatever their spelling', () => {
    expect(redact({ phone: '13800138000', id_number: 'x', 'ID-Card': 'y', userId: 'u1' })).toEqual({
      phone: REDACTED,
      id_number: REDACTED,
      'ID-Card': REDACTED,
      userId: 'u1',
    });
  });

  it('keeps error class names under name', () => {
    expect(redact({ error: { name: 'TypeError' }, name: '张三' })).toEqual({
      error: { name: 'TypeError' },
      name: REDACTED,
    });
  });

  it('masks phone numbers, ID numbers and tokens inside free text', () => {
    const text = redactText(
      'call +86 138-0013-8000 or 008613800138000 about 11010519491231002X / 110105491231002, Bearer abc.def.ghi eyJhbGciOi.eyJzdWIiOi.sig',
    );
    expect(text).not.toMatch(
      /13800138000|138-0013-8000|11010519491231002X|110105491231002|abc\.def|eyJhbGciOi/,
    );
  });

  it('leaves ordinary numbers alone', () => {
    expect(redactText('took 1234 ms, status 200, 2026-11-29')).toBe('took 1234 ms, status 200, 2026-11-29');
  });

  it('never lets a mainland mobile number through, wherever it sits in text', () => {
    fc.assert(
      fc.property(fc.string(), mainlandMobile, fc.string(), (before, phone, after) => {
        // Digits touching the number make it a longer number, which is a different thing.
        fc.pre(!/\d$/.test(before) && !/^\d/.test(after));
        expect(redactText(`${before}${phone}${after}`)).not.toContain(phone);
      }),
    );
  });
});
