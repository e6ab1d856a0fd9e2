import { AppError } from '../../core/errors';
import { normalisePhone } from '../../crypto/normalise';

/**
 * Mainland mobile numbers the product accepts. Three-digit network prefixes allocated by MIIT to
 * mobile voice/SMS service (China Mobile, Unicom, Telecom, Broadnet, and the virtual operators).
 * IoT and data-only ranges (140-144 with 13-digit numbers, 146, 148) and unallocated prefixes are
 * refused: an SMS code cannot reach them, or they are where bulk abuse comes from.
 */
const allocatedPrefixes = new Set([
  // China Mobile
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '147',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '172',
  '178',
  '182',
  '183',
  '184',
  '187',
  '188',
  '195',
  '197',
  '198',
  // China Unicom
  '130',
  '131',
  '132',
  '145',
  '155',
  '156',
  '166',
  '175',
  '176',
  '185',
  '186',
  '196',
  // China Telecom
  '133',
  '149',
  '153',
  '173',
  '174',
  '177',
  '180',
  '181',
  '189',
  '190',
  '191',
  '193',
  '199',
  // China Broadnet
  '192',
  // Virtual operators (MVNO)
  '162',
  '165',
  '167',
  '170',
  '171',
]);

/** Virtual-operator prefixes: accepted, with stricter limits and a captcha on every send. */
export const virtualOperatorPrefixes: ReadonlySet<string> = new Set(['162', '165', '167', '170', '171']);

export interface MainlandMobile {
  /** E.164, `+8613800138000`. */
  readonly e164: string;
  readonly prefix: string;
  readonly virtualOperator: boolean;
}

export type PhoneRejection = 'not_mainland_mobile' | 'unallocated_prefix';

export function parseMainlandMobile(input: string): MainlandMobile | PhoneRejection {
  const e164 = normalisePhone(input);
  if (e164 === undefined) return 'not_mainland_mobile';
  const prefix = e164.slice(3, 6);
  // 1349 was China Mobile's satellite range; the rest of 134 is ordinary mobile.
  if (!allocatedPrefixes.has(prefix) || e164.startsWith('+861349')) return 'unallocated_prefix';
  return { e164, prefix, virtualOperator: virtualOperatorPrefixes.has(prefix) };
}

export function requireMobile(input: string): MainlandMobile {
  const parsed = parseMainlandMobile(input);
  if (typeof parsed === 'string') throw new AppError('phone_invalid', { extensions: { reason: parsed } });
  return parsed;
}
