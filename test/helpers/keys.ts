import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalKeyMaterial } from '../../functions/crypto/local-key-source';

/** A throwaway local key file path (created on first load). */
export function tempKeyFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'po-keys-')), 'local-keys.json');
}

export function tempKeyMaterial() {
  return loadLocalKeyMaterial(tempKeyFile(), {});
}
