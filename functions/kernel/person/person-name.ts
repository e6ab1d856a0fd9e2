/**
 * Names as on Chinese identity documents: Han characters, or letters for transliterated and
 * minority names, with the middle dot `·` between parts. NFKC first (full-width letters become
 * ASCII), and the look-alike dots people type become U+00B7.
 */
const DOT_LOOKALIKES = /[\u2022\u2027\u30FB\uFF65\u2219\u22C5\u0387\u16EB\u2E31]/g;
const NAME = /^[\p{Script=Han}A-Za-z]+(?:[·\s][\p{Script=Han}A-Za-z]+)*$/u;

export type NameProblem = 'length' | 'characters';

export function normalisePersonName(input: string): string | NameProblem {
  const name = input.normalize('NFKC').replace(DOT_LOOKALIKES, '·').replace(/\s+/g, ' ').trim();
  const length = Array.from(name).length;
  if (length < 2 || length > 30) return 'length';
  if (!NAME.test(name)) return 'characters';
  return name;
}
