/**
 * Numbers of documents that carry no check character (passports, travel permits, others). What
 * reaches a HIS must still be one of the shapes the issuers publish, never free text: upper-case
 * letters and digits only, after NFKC (full-width characters become ASCII) and with the spaces
 * and brackets people type removed.
 */
export type DocumentKind = 'passport' | 'hk_mo_travel_permit' | 'tw_travel_permit' | 'other_document';

const SHAPES: Readonly<Record<DocumentKind, RegExp>> = {
  // ICAO 9303 allows up to 9 characters in the MRZ; national formats vary, so a bounded alphabet.
  passport: /^[A-Z0-9]{5,17}$/,
  // 港澳居民来往内地通行证 (MPS rule, 2010): H (Hong Kong) or M (Macao), the 8-digit lifelong
  // number, and on the older cards 2 digits counting renewals.
  hk_mo_travel_permit: /^[HM]\d{8}(?:\d{2})?$/,
  // 台湾居民来往大陆通行证: the 8-digit lifelong number (one person, one number since 2008);
  // older booklets add 2 digits of issue count and an issuing-office character.
  tw_travel_permit: /^\d{8}(?:\d{2}[A-Z0-9]?)?$/,
  other_document: /^[A-Z0-9]{5,17}$/,
};

const KINDS = new Set<string>(Object.keys(SHAPES));

/** A document-type rule names either a check-character layout (id-number.ts) or one of these. */
export function isDocumentKind(rule: string): rule is DocumentKind {
  return KINDS.has(rule);
}

export function parseDocumentNumber(kind: DocumentKind, input: string): string | 'format' {
  const number = input
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s()]/g, '');
  return SHAPES[kind].test(number) ? number : 'format';
}
