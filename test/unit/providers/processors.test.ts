import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { providerCredentialsSchema } from '../../../functions/providers/credentials';
import { processors } from '../../../functions/providers/processors';

/**
 * The entrusted-processor list is the code's, not a document's: every module that calls out of
 * the system is some processor's adapter, and every provider credential belongs to one.
 */
const root = join(import.meta.dirname, '..', '..', '..');
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}
/** The shared transports: they carry calls, the adapters above them decide what is sent. */
const transports = [
  'functions/providers/tencent-tc3.ts',
  'functions/providers/aliyun-rpc.ts',
  'functions/providers/oauth/http.ts',
  'functions/providers/his/his-http.ts',
  'functions/providers/miniprogram/http.ts',
];
const callsOut = (file: string) => {
  const code = readFileSync(join(root, file), 'utf8');
  return /\bfetch\(/.test(code) || /from '\.\.?\/(\.\.\/)*(tencent-tc3|aliyun-rpc|http|his-http)'/.test(code);
};

describe('the entrusted processors', () => {
  it('name every module that sends a person’s data out', () => {
    const adapters = new Set(processors.flatMap((p) => p.adapters));
    const outbound = sources(join(root, 'functions')).filter((f) => !transports.includes(f) && callsOut(f));
    expect(outbound.length).toBeGreaterThan(15);
    expect(outbound.filter((f) => !adapters.has(f))).toEqual([]);
    for (const adapter of adapters) expect(existsSync(join(root, adapter)), adapter).toBe(true);
  });

  it('cover every provider credential, and say what each receives', () => {
    const credentials = new Set(processors.map((p) => p.credential));
    expect(Object.keys(providerCredentialsSchema.shape).filter((k) => !credentials.has(k as never))).toEqual(
      [],
    );
    for (const p of processors) expect(p.receives.length, p.id).toBeGreaterThan(0);
    expect(new Set(processors.map((p) => p.id)).size).toBe(processors.length);
  });
});
