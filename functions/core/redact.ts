/**
 * Redaction for anything that leaves the process as text (logs, metrics dimensions). Two nets:
 * keys that name sensitive data are replaced whole, and free text is scanned for values that look
 * like phone numbers, resident ID numbers or bearer tokens, so a value logged under an innocent key
 * (or inside an error message) is still caught.
 */
export const REDACTED = '[REDACTED]';

const sensitiveKeys = new Set([
  'phone',
  'mobile',
  'phonenumber',
  'name',
  'realname',
  'fullname',
  'idnumber',
  'idcard',
  'idno',
  'code',
  'otp',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'bindtoken',
  'authorization',
  'cookie',
  'setcookie',
  'password',
  'secret',
  'clientsecret',
  'hispatientid',
  'patientid',
  'captchaticket',
  'body',
]);

/** `idNumber`, `id_number` and `ID-Number` all name the same thing. */
function canonicalKey(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

export function isSensitiveKey(key: string): boolean {
  return sensitiveKeys.has(canonicalKey(key));
}

const patterns: ReadonlyArray<readonly [RegExp, string]> = [
  // JWTs and bearer credentials first: they may contain digit runs the later patterns would split.
  [/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[REDACTED:jwt]'],
  [/\bBearer\s+[\w.~+/=-]+/gi, 'Bearer [REDACTED]'],
  // Resident ID numbers: 18 characters (last may be X) or legacy 15 digits, not inside a longer run.
  [/(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g, '[REDACTED:id]'],
  [/(?<![0-9A-Za-z])\d{15}(?![0-9A-Za-z])/g, '[REDACTED:id]'],
  // Mainland mobile numbers with or without +86/0086/86 and common separators.
  [/(?<![\d])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g, '[REDACTED:phone]'],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

/** Serialised errors carry `name: "TypeError"`; that is diagnostics, not a person's name. */
function isErrorClassName(key: string, value: unknown): boolean {
  return key === 'name' && typeof value === 'string' && /^[A-Za-z]*(Error|Exception)$/.test(value);
}

/** A JSON.stringify replacer: use it wherever structured data is turned into log text. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (
    key !== '' &&
    isSensitiveKey(key) &&
    value !== null &&
    value !== undefined &&
    !isErrorClassName(key, value)
  ) {
    return REDACTED;
  }
  if (typeof value === 'string') return redactText(value);
  return value;
}

/** Deep copy with the same rules, for callers that need an object rather than text. */
export function redact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, redactingReplacer)) as T;
}
