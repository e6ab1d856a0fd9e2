import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const map = readFileSync(join(root, 'docs', 'privacy-policy-map.md'), 'utf8');

describe('docs/privacy-policy-map.md', () => {
  it('maps sections 3, 6, 7, 9 and 10', () => {
    for (const section of [3, 6, 7, 9, 10]) expect(map).toMatch(new RegExp(`^## ${section}\\. `, 'm'));
  });

  it('names only code and tests that exist', () => {
    const paths = [...map.matchAll(/`((?:functions|lib|bin|test)\/[\w./-]+\.ts)`/g)].map(
      (m) => m[1] as string,
    );
    expect(paths.length).toBeGreaterThan(30);
    expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([]);
  });
});
