/**
 * Normalisers used before blind indexing and masking: the same person typed two ways must give
 * the same index, or lookups and uniqueness checks silently miss.
 */

/**
 * Any spelling of a mainland number (`138 0013 8000`, `+86 138-0013-8000`, `0086...`, `86...`) to
 * E.164 `+8613800138000`. Returns undefined for anything that is not 11 national digits starting
 * with 1; which prefixes are allocated is the phone rules' concern, not this one's.
 */
export function normalisePhone(input: string): string | undefined {
  const compact = input.normalize('NFKC').replace(/[\s\-().]/g, '');
  const national = compact.replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
  return /^1\d{10}$/.test(national) ? `+86${national}` : undefined;
}

/** ID numbers compare upper-case and without spaces (`x` and `X` are the same check character). */
export function normaliseIdNumber(input: string): string {
  return input.normalize('NFKC').replace(/\s/g, '').toUpperCase();
}
