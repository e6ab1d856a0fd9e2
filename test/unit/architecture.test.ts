import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layering the code keeps (see README, Architecture): use cases talk to ports, adapters and
 * composition roots talk to AWS, core knows no feature, and only the platform's runtime reads the
 * environment. Each check names the files that break it.
 */
const root = join(import.meta.dirname, '..', '..');
const functionsDir = join(root, 'functions');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}
const files = sources(functionsDir);
const read = (file: string) => readFileSync(join(root, file), 'utf8');
/** Static and dynamic imports of a file (type-only imports erase: they are allowed anywhere). */
const imports = (file: string) =>
  [...read(file).matchAll(/^import (?!type )[^'"]*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
    (m) => m[1] ?? (m[2] as string),
  );

/** Where AWS may be called: adapters, composition roots, and the store, crypto and provider layers. */
const mayUseAws = (file: string) =>
  /\/(dynamo|sqs|eventbridge)-[^/]+\.ts$|\/deps\.ts$|-deps\.ts$/.test(file) ||
  /^functions\/(store|crypto|providers|platform)\//.test(file) ||
  file === 'functions/kernel/tokens/kms-root-signer.ts';

describe('architecture', () => {
  it('keeps the AWS SDK out of use cases, handlers and core', () => {
    const offenders = files.filter((f) => !mayUseAws(f) && imports(f).some((i) => i.startsWith('@aws-sdk/')));
    expect(offenders).toEqual([]);
  });

  it('lets core import no feature', () => {
    const offenders = files
      .filter((f) => f.startsWith('functions/core/'))
      .filter((f) => imports(f).some((i) => i.startsWith('../')));
    expect(offenders).toEqual([]);
  });

  it('reads the environment in one place only', () => {
    const offenders = files.filter(
      (f) =>
        f !== 'functions/platform/runtime.ts' &&
        /process\.env\b/.test(read(f).replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')),
    );
    // The local-only adapters write to the terminal and check they are not in Lambda, nothing more.
    expect(offenders.filter((f) => !/local-|credentials\.ts$/.test(f))).toEqual([]);
  });

  it('has handlers use their own feature’s composition root, never another’s', () => {
    const handlers = files.filter(
      (f) => /\/handlers\/[^/]+\.ts$/.test(f) || /^functions\/system\/(get-|fallback)/.test(f),
    );
    expect(handlers.length).toBeGreaterThan(40);
    const offenders = handlers.filter((f) =>
      imports(f).some((i) => /deps$/.test(i) && !/^\.\.?\/[a-z-]*deps$/.test(i)),
    );
    expect(offenders).toEqual([]);
  });
});
