import { describe, expect, it } from 'vitest';
import { parseMainlandMobile } from '../../../functions/kernel/person/phone-rules';

describe('parseMainlandMobile', () => {
  it.each(['138 0013 8000', '+86 138-0013-8000', '008613800138000', '8613800138000', '13800138000'])(
    'normalises %s to +86 E.164',
    (input) => {
      expect(parseMainlandMobile(input)).toEqual({
        e164: '+8613800138000',
        prefix: '138',
        virtualOperator: false,
      });
    },
  );

  it('flags virtual-operator prefixes', () => {
    for (const prefix of ['162', '165', '167', '170', '171']) {
      expect(parseMainlandMobile(`${prefix}12345678`)).toMatchObject({ virtualOperator: true });
    }
  });

  it('rejects 13-digit IoT numbers and numbers of the wrong length', () => {
    expect(parseMainlandMobile('1440012345678')).toBe('not_mainland_mobile');
    expect(parseMainlandMobile('1380013800')).toBe('not_mainland_mobile');
    expect(parseMainlandMobile('+85291234567')).toBe('not_mainland_mobile');
  });

  it('rejects unallocated and data-only prefixes', () => {
    for (const number of [
      '12012345678',
      '14012345678',
      '14612345678',
      '15412345678',
      '16012345678',
      '19412345678',
      '13491234567',
    ]) {
      expect(parseMainlandMobile(number), number).toBe('unallocated_prefix');
    }
  });
});
