import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageOn,
  checkCharacter,
  type IdType,
  parseIdNumber,
  upgradeLegacy,
} from '../../../functions/kernel/person/id-number';
import { normalisePersonName } from '../../../functions/kernel/person/person-name';

const rules = { upgradeLegacy: true, today: new Date('2026-11-29T00:00:00Z') };
const provinces = ['11', '12', '31', '44', '54', '65'];

const birthDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-11-28T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));

/** Valid numbers of each kind, built the way issuers build them. */
const validNumber = (kind: IdType) =>
  fc
    .tuple(
      fc.constantFrom(...provinces),
      fc.stringMatching(/^\d{4}$/),
      birthDate,
      fc.stringMatching(/^\d{3}$/),
      fc.stringMatching(/^\d{3}$/),
    )
    .map(([province, county, birth, sequence, nationality]) => {
      const region =
        kind === 'resident'
          ? `${province}${county}`
          : kind === 'hk_mo_tw_permit'
            ? ['810000', '820000', '830000'][Number(county) % 3]
            : `9${province}${nationality}`;
      const first17 = `${region}${birth}${sequence}`;
      return first17 + checkCharacter(first17);
    });

describe('parseIdNumber', () => {
  it('accepts the published example 11010519491231002X and derives birth date and sex', () => {
    expect(parseIdNumber('11010519491231002X', 'resident', rules)).toEqual({
      idType: 'resident',
      number: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
      warnings: [],
    });
  });

  it('accepts a lower-case x and spaces, normalising them', () => {
    expect(parseIdNumber(' 110105 19491231002x', 'resident', rules)).toMatchObject({
      number: '11010519491231002X',
    });
  });

  it('rejects the published bad-check example 11010119900307867X', () => {
    expect(parseIdNumber('11010119900307867X', 'resident', rules)).toBe('check_character');
  });

  it('passes every generated valid number of every kind', () => {
    for (const kind of ['resident', 'hk_mo_tw_permit', 'foreign_permanent'] as const) {
      fc.assert(
        fc.property(validNumber(kind), (number) => {
          const parsed = parseIdNumber(number, kind, rules);
          expect(typeof parsed === 'object' ? parsed.number : parsed).toBe(number);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('fails every single-character change of a valid number', () => {
    fc.assert(
      fc.property(
        validNumber('resident'),
        fc.nat(17),
        fc.constantFrom(...'0123456789X'),
        (number, position, replacement) => {
          fc.pre(number[position] !== replacement);
          const changed = number.slice(0, position) + replacement + number.slice(position + 1);
          expect(typeof parseIdNumber(changed, 'resident', rules)).toBe('string');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('refuses impossible and future birth dates and years before 1900', () => {
    const make = (birth: string) => {
      const first17 = `110105${birth}001`;
      return first17 + checkCharacter(first17);
    };
    expect(parseIdNumber(make('19490230'), 'resident', rules)).toBe('birth_date');
    expect(parseIdNumber(make('20261130'), 'resident', rules)).toBe('birth_date');
    expect(parseIdNumber(make('18991231'), 'resident', rules)).toBe('birth_date');
    expect(parseIdNumber(make('20000229'), 'resident', rules)).toMatchObject({ birthDate: '2000-02-29' });
  });

  it('refuses unknown provinces and a number of another type than claimed', () => {
    const unknown = '710105194912310021'.slice(0, 17);
    expect(parseIdNumber(unknown + checkCharacter(unknown), 'resident', rules)).toBe('region');
    expect(parseIdNumber('11010519491231002X', 'hk_mo_tw_permit', rules)).toBe('type_mismatch');
  });

  it('upgrades 15-digit numbers when configured, else refuses them', () => {
    expect(upgradeLegacy('110105491231002')).toBe('11010519491231002X');
    expect(parseIdNumber('110105491231002', 'resident', rules)).toMatchObject({
      number: '11010519491231002X',
    });
    expect(parseIdNumber('110105491231002', 'resident', { ...rules, upgradeLegacy: false })).toBe(
      'legacy_15_digit',
    );
  });
});

describe('ageOn', () => {
  it('counts whole years, birthday included', () => {
    expect(ageOn('2012-11-29', new Date('2026-11-29T00:00:00Z'))).toBe(14);
    expect(ageOn('2012-11-30', new Date('2026-11-29T00:00:00Z'))).toBe(13);
    expect(ageOn('2000-02-29', new Date('2026-02-28T00:00:00Z'))).toBe(25);
  });
});

describe('normalisePersonName', () => {
  it.each([
    ['张三', '张三'],
    [' 欧阳 娜娜 ', '欧阳 娜娜'],
    ['阿依古丽·买买提', '阿依古丽·买买提'],
    ['阿依古丽•买买提', '阿依古丽·买买提'],
    ['Ｍａｒｉａ·Ｓｍｉｔｈ', 'Maria·Smith'],
  ])('accepts %s', (input, expected) => {
    expect(normalisePersonName(input)).toBe(expected);
  });

  it.each([
    ['王', 'length'],
    ['x'.repeat(31), 'length'],
    ['张三3', 'characters'],
    ['张·', 'characters'],
    ['<b>李</b>', 'characters'],
  ])('rejects %s', (input, problem) => {
    expect(normalisePersonName(input)).toBe(problem);
  });
});
