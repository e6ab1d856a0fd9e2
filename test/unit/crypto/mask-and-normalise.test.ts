import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone } from '../../../functions/crypto/mask';
import { normaliseIdNumber, normalisePhone } from '../../../functions/crypto/normalise';

describe('masks', () => {
  it('masks a phone as 138****8000', () => {
    expect(maskPhone('+8613800138000')).toBe('138****8000');
    expect(maskPhone('13800138000')).toBe('138****8000');
  });

  it('masks an ID number keeping the first and last four', () => {
    expect(maskIdNumber('110105194912310021')).toBe('1101**********0021');
    expect(maskIdNumber('110105491231002')).toBe('1101*******1002');
  });

  it('masks a name down to its last character', () => {
    expect(maskName('张三')).toBe('*三');
    expect(maskName('欧阳娜娜')).toBe('***娜');
    expect(maskName('王')).toBe('*');
  });
});

describe('normalisePhone', () => {
  it.each([
    ['138 0013 8000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['8613800138000', '+8613800138000'],
    ['１３８００１３８０００', '+8613800138000'],
  ])('normalises %s', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it.each(['1380013800', '138001380001', '+85213800138000', '23800138000', 'abc'])('rejects %s', (input) => {
    expect(normalisePhone(input)).toBeUndefined();
  });
});

describe('normaliseIdNumber', () => {
  it('upper-cases and strips spaces', () => {
    expect(normaliseIdNumber(' 110105 19491231002x ')).toBe('11010519491231002X');
  });
});
