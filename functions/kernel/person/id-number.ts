/**
 * Chinese identity numbers (GB 11643-1999 and the permits that share its layout): 18 characters,
 * region code (6), birth date (8), sequence (3, odd for men), ISO 7064 MOD 11-2 check character.
 */
export const idTypeNames = ['resident', 'hk_mo_tw_permit', 'foreign_permanent'] as const;
export type IdType = (typeof idTypeNames)[number];

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** Provincial-level codes of GB/T 2260 that issue resident ID numbers. */
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
]);
/** Residence permits for Hong Kong, Macao and Taiwan residents use these region codes. */
const PERMIT_REGIONS = new Set(['810000', '820000', '830000']);

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

export type IdNumberProblem =
  | 'format'
  | 'check_character'
  | 'birth_date'
  | 'region'
  | 'legacy_15_digit'
  | 'type_mismatch';

export interface ParsedIdNumber {
  readonly idType: IdType;
  /** 18 characters, upper-case X. */
  readonly number: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
  /** Warnings that do not reject (county codes change; strict checks refuse real numbers). */
  readonly warnings: readonly string[];
}

export interface IdRules {
  /** Upgrade 15-digit numbers to 18 (insert 19, add the check) instead of rejecting them. */
  readonly upgradeLegacy: boolean;
  /** Birth dates after this are refused. */
  readonly today: Date;
}

/** The 18-character form of a legacy 15-digit number (all born 1900-1999). */
export function upgradeLegacy(fifteen: string): string {
  const first17 = `${fifteen.slice(0, 6)}19${fifteen.slice(6)}`;
  return first17 + checkCharacter(first17);
}

function realDate(yyyymmdd: string, today: Date): string | undefined {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  if (year < 1900 || date.getTime() > today.getTime()) return undefined;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

export function idTypeOf(number: string): IdType {
  if (number.startsWith('9')) return 'foreign_permanent';
  if (PERMIT_REGIONS.has(number.slice(0, 6))) return 'hk_mo_tw_permit';
  return 'resident';
}

/**
 * Checks an ID number locally, before any provider is paid: shape, check character, a real birth
 * date (1900 or later, not in the future), a known province, and that it is the type claimed.
 */
export function parseIdNumber(
  input: string,
  idType: IdType,
  rules: IdRules,
): ParsedIdNumber | IdNumberProblem {
  let number = input.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (/^\d{15}$/.test(number)) {
    if (!rules.upgradeLegacy || idType !== 'resident') return 'legacy_15_digit';
    number = upgradeLegacy(number);
  }
  if (!/^\d{17}[\dX]$/.test(number)) return 'format';
  if (checkCharacter(number.slice(0, 17)) !== number[17]) return 'check_character';
  const birthDate = realDate(number.slice(6, 14), rules.today);
  if (!birthDate) return 'birth_date';
  if (idTypeOf(number) !== idType) return 'type_mismatch';
  if (idType === 'resident' && !PROVINCES.has(number.slice(0, 2))) return 'region';
  if (idType === 'foreign_permanent' && !PROVINCES.has(number.slice(1, 3))) return 'region';
  const warnings: string[] = [];
  if (idType === 'resident' && number.slice(2, 6) === '0000') warnings.push('county_code_unusual');
  return { idType, number, birthDate, sex: Number(number[16]) % 2 === 1 ? 'male' : 'female', warnings };
}

/** Whole years between a YYYY-MM-DD birth date and a day. */
export function ageOn(birthDate: string, day: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = day.getUTCFullYear() - y;
  if (day.getUTCMonth() + 1 < m || (day.getUTCMonth() + 1 === m && day.getUTCDate() < d)) age--;
  return age;
}
