import { describe, expect, it } from 'vitest';
import { isDocumentKind, parseDocumentNumber } from '../../../functions/kernel/person/document-number';

describe('parseDocumentNumber', () => {
  it('upper-cases, turns full-width into ASCII and drops the spaces and brackets people type', () => {
    expect(parseDocumentNumber('passport', ' e1234 5678 ')).toBe('E12345678');
    expect(parseDocumentNumber('hk_mo_travel_permit', 'ｍ１２３４５６７８')).toBe('M12345678');
    expect(parseDocumentNumber('tw_travel_permit', '1234567801(B)')).toBe('1234567801B');
  });

  it('accepts the published shapes of each document', () => {
    expect(parseDocumentNumber('hk_mo_travel_permit', 'H1234567800')).toBe('H1234567800');
    expect(parseDocumentNumber('tw_travel_permit', '12345678')).toBe('12345678');
    expect(parseDocumentNumber('other_document', 'AB12345')).toBe('AB12345');
  });

  it('refuses control, bidi and zero-width characters, punctuation and wrong lengths', () => {
    for (const [kind, input] of [
      ['passport', 'E1234\u202e5678'],
      ['passport', 'E1234\u00005678'],
      ['passport', 'E12345678\u200d'],
      ['passport', 'E123'],
      ['passport', 'E'.repeat(18)],
      ['passport', 'E1234-5678'],
      ['hk_mo_travel_permit', 'A12345678'],
      ['hk_mo_travel_permit', 'H123456789'],
      ['tw_travel_permit', '1234567X'],
      ['other_document', '中文证件号'],
    ] as const) {
      expect(parseDocumentNumber(kind, input)).toBe('format');
    }
  });

  it('tells document kinds from check-character layouts', () => {
    expect(isDocumentKind('passport')).toBe(true);
    expect(isDocumentKind('resident')).toBe(false);
  });
});
