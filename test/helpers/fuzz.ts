import fc from 'fast-check';

/** Just enough of JSON Schema (as zod-openapi writes it) to build and break request bodies. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  example?: unknown;
}

export type SchemaResolver = (schema: Schema | undefined) => Schema | undefined;

/** Resolves `#/components/schemas/<name>` references of one OpenAPI document. */
export function resolverFor(components: Record<string, Schema>): SchemaResolver {
  return (schema) => {
    let current = schema;
    for (let i = 0; current?.$ref && i < 10; i++) {
      current = components[current.$ref.replace('#/components/schemas/', '')];
    }
    return current;
  };
}

/**
 * A value the schema plausibly accepts (the first enum member, a string of the right length), so
 * that breaking one field at a time reaches the checks behind the ones it passes.
 */
export function plausible(schema: Schema | undefined, resolve: SchemaResolver, depth = 0): unknown {
  const s = resolve(schema);
  if (!s || depth > 6) return 'x';
  if (s.const !== undefined) return s.const;
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  const branch = s.anyOf?.[0] ?? s.oneOf?.[0] ?? s.allOf?.[0];
  if (branch) return plausible(branch, resolve, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(s.properties ?? {})) {
        out[name] = plausible(property, resolve, depth + 1);
      }
      return out;
    }
    case 'array':
      return [plausible(s.items, resolve, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    default:
      if (s.format === 'date') return '1980-01-01';
      if (s.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      if (s.pattern === '^\\d{6}$') return '123456';
      if (s.pattern?.includes('{22}')) return 'AAAAAAAAAAAAAAAAAAAAAA';
      return 'x'.repeat(Math.max(s.minLength ?? 1, Math.min(s.maxLength ?? 11, 11)));
  }
}

/** Characters that make stored text lie about itself, and strings that break naive code. */
const NASTY_STRINGS = [
  'a\u0000b',
  'E1234\u202e5678',
  'x\u200by',
  '\ufeffx',
  'line\u2028break',
  'x'.repeat(5000),
  '',
  ' ',
  '../../etc/passwd',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '%s%n%x',
  '\ud800',
  '😀'.repeat(40),
];
/** Values of the wrong type for any field. */
const WRONG_TYPES: unknown[] = [null, 0, -1, 1e308, true, [], {}, ['x'], { nested: { x: 1 } }];

/** Bodies that are not what any route takes. */
export function malformedBodies(): Array<{ name: string; raw: string; contentType?: string }> {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const deepObject = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
  return [
    { name: 'broken JSON', raw: '{"phone": ' },
    { name: 'trailing garbage', raw: '{}}' },
    { name: 'null', raw: 'null' },
    { name: 'an array', raw: '[]' },
    { name: 'a string', raw: '"x"' },
    { name: 'a number', raw: '42' },
    { name: 'deep arrays', raw: deep },
    { name: 'deep objects', raw: deepObject },
    { name: '__proto__', raw: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}' },
    { name: 'over the size limit', raw: JSON.stringify({ x: 'y'.repeat(20_000) }) },
    { name: 'not JSON', raw: 'phone=13800138000', contentType: 'text/plain' },
    { name: 'XML', raw: '<a>1</a>', contentType: 'application/xml' },
    { name: 'form', raw: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
    { name: 'JSON as form', raw: '{"a":1}', contentType: 'multipart/form-data; boundary=x' },
    { name: 'invalid UTF-8', raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('latin1') },
  ];
}

/**
 * Bodies that are JSON objects of roughly the right shape with one field broken: each property
 * in turn gets a wrong type and a nasty string, plus keys nobody declared.
 */
export function brokenFields(
  base: Record<string, unknown>,
  seed: number,
): Array<{ name: string; body: unknown }> {
  const out: Array<{ name: string; body: unknown }> = [{ name: 'plausible', body: base }];
  const names = Object.keys(base);
  names.forEach((field, i) => {
    out.push({
      name: `${field}: wrong type`,
      body: { ...base, [field]: WRONG_TYPES[(seed + i) % WRONG_TYPES.length] },
    });
    out.push({
      name: `${field}: nasty string`,
      body: { ...base, [field]: NASTY_STRINGS[(seed + i) % NASTY_STRINGS.length] },
    });
    const nested = base[field];
    if (nested && typeof nested === 'object' && !Array.isArray(nested)) {
      out.push({
        name: `${field}: nested broken`,
        body: { ...base, [field]: { ...nested, extra: '\u202e' } },
      });
      out.push({ name: `${field}: array for object`, body: { ...base, [field]: [nested] } });
    }
  });
  out.push({ name: 'unknown key', body: { ...base, isAdmin: true } });
  out.push({ name: 'control key', body: { ...base, 'a\u0000': 1 } });
  // Random JSON, the same every run (fixed seed).
  for (const [i, value] of fc.sample(fc.jsonValue({ maxDepth: 4 }), { seed, numRuns: 4 }).entries()) {
    out.push({ name: `random ${i}`, body: value });
  }
  return out;
}

/** Values for a path parameter that no id has. */
export const BAD_PATH_PARAMS = [
  '..',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%00',
  '%E2%80%AE',
  '%zz',
  '%E0%A4%A',
  'x'.repeat(1000),
  '%20',
  "'%20OR%20'1'%3D'1",
  '{id}',
];

/** Query strings that break each declared parameter. */
export function brokenQueries(names: readonly string[]): string[] {
  const values = ['', '%00', '%E2%80%AE', 'x'.repeat(3000), '-1', '1e999', '%zz', '[]', 'null'];
  const out = ['?unknown=1', `?${names.map((n) => `${n}=1&${n}=2`).join('&')}`];
  for (const name of names) for (const value of values) out.push(`?${name}=${value}`);
  return out;
}

export { NASTY_STRINGS, WRONG_TYPES };
