import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderCycles, folderOf, importEdges } from '../helpers/import-graph';

/**
 * The layering the code keeps (see README, Architecture): use cases talk to ports, adapters and
 * composition roots talk to AWS, the layers (core, crypto, store, kernel, providers, platform)
 * know no feature, features meet only through their faces, no folders import each other in a
 * loop, and only the platform's runtime reads the environment. Each check names what breaks it.
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
  /\/dynamo-[^/]+\.ts$|\/deps\.ts$|-deps\.ts$/.test(file) ||
  /^functions\/(store|crypto|providers|platform)\//.test(file) ||
  file === 'functions/kernel/tokens/kms-root-signer.ts';

/** Beneath every feature: what all of them use, and the outside world's contracts. */
const layers = ['core', 'crypto', 'store', 'kernel', 'providers', 'platform'];
const features = readdirSync(functionsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !layers.includes(entry.name))
  .map((entry) => entry.name);
const edges = importEdges(root, files);
const folder = (path: string) => folderOf(path, 'functions');
/** Composition roots may build another feature's composition (`deps.ts` is their face to each other). */
const isCompositionRoot = (file: string) => /(^|\/|-)deps\.ts$/.test(file);

/**
 * A feature's face: `index.ts` (its ports, store factories and the use cases others may call),
 * `deps.ts` for other composition roots, `routes.ts` for the route table.
 */
function throughFace(edge: { from: string; to: string }): boolean {
  const feature = folder(edge.to);
  return (
    edge.to === `functions/${feature}/index.ts` ||
    (edge.to === `functions/${feature}/deps.ts` && isCompositionRoot(edge.from)) ||
    (edge.to === `functions/${feature}/routes.ts` && edge.from === 'functions/system/route-table.ts')
  );
}

describe('architecture', () => {
  it('knows the features and reads their imports', () => {
    expect(features).toEqual(
      expect.arrayContaining([
        'assurance',
        'auth',
        'authorizer',
        'cards',
        'hospital',
        'identity',
        'oauth',
        'privacy',
      ]),
    );
    expect(edges.length).toBeGreaterThan(500);
  });

  it('has no folders in functions/ that import each other in a loop (type imports too)', () => {
    expect(folderCycles(edges.map((e) => [folder(e.from), folder(e.to)] as const))).toEqual([]);
  });

  it('finds a loop of folders where there is one', () => {
    expect(
      folderCycles([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
        ['d', 'd'],
      ]),
    ).toEqual([['a', 'b', 'c']]);
  });

  it('keeps the layers beneath every feature', () => {
    const offenders = edges.filter((e) => layers.includes(folder(e.from)) && features.includes(folder(e.to)));
    expect(offenders).toEqual([]);
  });

  it("has features meet only through each other's faces", () => {
    const crossings = edges.filter(
      (e) =>
        features.includes(folder(e.to)) &&
        features.includes(folder(e.from)) &&
        folder(e.from) !== folder(e.to),
    );
    expect(crossings.length).toBeGreaterThan(20);
    expect(crossings.filter((e) => !throughFace(e))).toEqual([]);
    expect(throughFace({ from: 'functions/cards/card-service.ts', to: 'functions/auth/check-code.ts' })).toBe(
      false,
    );
    expect(throughFace({ from: 'functions/cards/card-service.ts', to: 'functions/auth/deps.ts' })).toBe(
      false,
    );
    expect(throughFace({ from: 'functions/cards/deps.ts', to: 'functions/auth/deps.ts' })).toBe(true);
  });

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
