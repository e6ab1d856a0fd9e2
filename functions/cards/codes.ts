/**
 * The code tables a card uses, with Chinese and English labels, as national health data standards
 * define them: family relationship (GB/T 4761), ID document type (CV02.01.101) and medical
 * insurance type (CV02.01.204, mapped to the National Healthcare Security Administration's
 * `insutype` for HIS payloads).
 */
import type { DocumentKind } from '../kernel/person/document-number';
import type { IdType } from '../kernel/person/id-number';

interface Coded {
  readonly zh: string;
  readonly en: string;
}

export const relationships = {
  '01': { zh: '本人', en: 'Self' },
  '10': { zh: '配偶', en: 'Spouse' },
  '20': { zh: '子', en: 'Son' },
  '30': { zh: '女', en: 'Daughter' },
  '40': { zh: '孙子女或外孙子女', en: 'Grandchild' },
  '50': { zh: '父母', en: 'Parent' },
  '51': { zh: '父亲', en: 'Father' },
  '52': { zh: '母亲', en: 'Mother' },
  '71': { zh: '兄', en: 'Elder brother' },
  '72': { zh: '嫂', en: "Elder brother's wife" },
  '73': { zh: '弟', en: 'Younger brother' },
  '74': { zh: '弟媳', en: "Younger brother's wife" },
  '75': { zh: '姐姐', en: 'Elder sister' },
  '76': { zh: '姐夫', en: "Elder sister's husband" },
  '77': { zh: '妹妹', en: 'Younger sister' },
  '97': { zh: '其他亲属', en: 'Other relative' },
  '99': { zh: '非亲属', en: 'Not related' },
} as const satisfies Record<string, Coded>;

export type RelationshipCode = keyof typeof relationships;

/** Relationships under which a child under 14 may be added (97 only with the guardian flag). */
export const minorRelationships: ReadonlySet<RelationshipCode> = new Set(['20', '30', '40', '97']);

export const idTypes = {
  '01': { zh: '居民身份证', en: 'Resident identity card', rule: 'resident' },
  '02': { zh: '居民户口簿', en: 'Household register', rule: 'resident' },
  '03': { zh: '护照', en: 'Passport', rule: 'passport' },
  '06': {
    zh: '港澳居民来往内地通行证',
    en: 'Mainland travel permit (HK/Macao)',
    rule: 'hk_mo_travel_permit',
  },
  '07': { zh: '台湾居民来往大陆通行证', en: 'Mainland travel permit (Taiwan)', rule: 'tw_travel_permit' },
  '99': { zh: '其他法定有效证件', en: 'Other valid document', rule: 'other_document' },
  // Local codes for the two cards that carry an 18-character number with a check character.
  L1: { zh: '港澳台居民居住证', en: 'HK/Macao/Taiwan residence permit', rule: 'hk_mo_tw_permit' },
  L2: { zh: '外国人永久居留身份证', en: 'Foreign permanent residence ID card', rule: 'foreign_permanent' },
} as const satisfies Record<string, Coded & { rule: IdType | DocumentKind }>;

export type IdTypeCode = keyof typeof idTypes;

export const insuranceTypes = {
  '01': { zh: '城镇职工基本医疗保险', en: 'Urban employee basic', insutype: '310' },
  '02': { zh: '城镇居民基本医疗保险', en: 'Urban resident basic', insutype: '390' },
  '03': { zh: '新型农村合作医疗', en: 'New rural cooperative', insutype: '390' },
  '04': { zh: '公务员医疗补助', en: 'Civil servant subsidy', insutype: '320' },
  '05': { zh: '企业补充医疗保险', en: 'Enterprise supplementary', insutype: null },
  '06': { zh: '大额补充医疗保险', en: 'Large-amount supplementary', insutype: '330' },
  '07': { zh: '商业医疗保险', en: 'Commercial', insutype: null },
  '99': { zh: '其他', en: 'Other', insutype: null },
  self_pay: { zh: '自费', en: 'Self-pay', insutype: null },
} as const satisfies Record<string, Coded & { insutype: string | null }>;

export type InsuranceCode = keyof typeof insuranceTypes;

export const relationshipCodes = Object.keys(relationships) as [RelationshipCode, ...RelationshipCode[]];
export const idTypeCodes = Object.keys(idTypes) as [IdTypeCode, ...IdTypeCode[]];
export const insuranceCodes = Object.keys(insuranceTypes) as [InsuranceCode, ...InsuranceCode[]];
