import {
  type DocumentKind,
  isDocumentKind,
  parseDocumentNumber,
} from '../../functions/kernel/person/document-number';
import { type IdNumberProblem, type IdType, parseIdNumber } from '../../functions/kernel/person/id-number';
import { type MessageKey, t } from './i18n';

/**
 * Inline ID-number checks with the server's own rules (functions/kernel/person/id-number.ts, bundled,
 * not copied): the person sees a wrong check character before anything is sent.
 */
export function idNumberMessage(value: string, idType: IdType | DocumentKind): string | undefined {
  if (!value.trim()) return undefined;
  if (isDocumentKind(idType)) {
    return parseDocumentNumber(idType, value) === 'format' ? t('id_format') : undefined;
  }
  const parsed = parseIdNumber(value, idType, { upgradeLegacy: true, today: new Date() });
  return typeof parsed === 'string' ? t(`id_${parsed satisfies IdNumberProblem}` as MessageKey) : undefined;
}

/** The birth date an ID number carries, when it is valid. */
export function birthDateOf(value: string, idType: IdType): string | undefined {
  const parsed = parseIdNumber(value, idType, { upgradeLegacy: true, today: new Date() });
  return typeof parsed === 'string' ? undefined : parsed.birthDate;
}

export function ageToday(birthDate: string): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const now = new Date();
  const age = now.getFullYear() - y;
  return now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d) ? age - 1 : age;
}
