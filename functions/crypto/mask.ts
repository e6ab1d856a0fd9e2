/**
 * Display masks following common GB/T 35273 practice: enough to recognise one's own data, not
 * enough to use it. Inputs are expected normalised (see normalise.ts).
 */

/** `+8613800138000` or `13800138000` -> `138****8000`. */
export function maskPhone(phone: string): string {
  const national = phone.replace(/^\+86/, '');
  if (national.length < 7) return '*'.repeat(national.length);
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}

/** `110105194912310021` -> `1101**********0021`: region prefix and last four kept. */
export function maskIdNumber(idNumber: string): string {
  if (idNumber.length <= 8) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 4)}${'*'.repeat(idNumber.length - 8)}${idNumber.slice(-4)}`;
}

/** `张三` -> `*三`, `欧阳娜娜` -> `***娜`, `Li·Ming` -> `******g`: only the last character shows. */
export function maskName(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= 1) return '*';
  return `${'*'.repeat(chars.length - 1)}${chars.at(-1)}`;
}
