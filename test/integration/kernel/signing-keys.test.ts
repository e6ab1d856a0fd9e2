import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingKeyring } from '../../../bench/counting-keyring';
import { ManualClock } from '../../../functions/core/clock';
import { EncryptingSealer } from '../../../functions/crypto/encrypting-sealer';
import { CertifiedTokenSigner } from '../../../functions/kernel/tokens/certified-token-signer';
import { DynamoSigningKeyStore } from '../../../functions/kernel/tokens/dynamo-signing-key-store';
import { LocalRootSigner } from '../../../functions/kernel/tokens/local-root-signer';
import { SealedTable } from '../../../functions/store/sealed-table';
import { freshTable, localDynamo, rawTableText } from '../../helpers/dynamo';
import { tempKeyFile, tempKeyMaterial } from '../../helpers/keys';

/** The epochs' signing keys in the table, as several function instances meet them at once. */
const client = localDynamo();
let tableName: string;
let keyring: CountingKeyring;
let table: SealedTable;

beforeAll(async () => {
  tableName = await freshTable(client, 'signing');
  keyring = new CountingKeyring(tempKeyMaterial().keyring);
  // No data-key cache: every seal and open shows as a keyring call.
  table = new SealedTable({
    client,
    tableName,
    sealer: new EncryptingSealer(keyring, { capacity: 1, maxAgeMs: 1, maxMessages: 1 }),
  });
});
afterAll(() => client.destroy());

describe('DynamoSigningKeyStore', () => {
  /** The root of the first test's keys, which the next reads back. */
  let firstRoot = '';

  it('gives ten instances reaching a new epoch at once one key, one root signature', async () => {
    const root = await LocalRootSigner.fromFile(tempKeyFile(), {});
    firstRoot = root.kid;
    const clock = new ManualClock('2026-12-02T08:00:00Z');
    const store = new DynamoSigningKeyStore(table);
    const instances = Array.from(
      { length: 10 },
      () => new CertifiedTokenSigner(root, clock, { keys: async () => store }),
    );
    const iat = Math.floor(clock.now().getTime() / 1000);
    const tokens = await Promise.all(
      instances.map((s) => s.sign({ iss: 'i', aud: 'a', sub: 'u', iat, exp: iat + 900 })),
    );
    const kids = new Set(
      tokens.map((t) => JSON.parse(Buffer.from(t.split('.')[0] as string, 'base64url').toString()).kid),
    );
    expect(kids.size).toBe(1);
    expect(root.signatures).toBe(1);
    const published = await store.published(iat);
    expect(published.map((k) => k.jwk.kid)).toEqual([...kids]);
  });

  it('publishes without opening anything, and keeps the private half sealed', async () => {
    const store = new DynamoSigningKeyStore(table);
    const decrypts = keyring.decrypts;
    const published = await store.published(Math.floor(Date.parse('2026-12-02T08:00:00Z') / 1000));
    expect(published.length).toBeGreaterThan(0);
    expect(keyring.decrypts).toBe(decrypts);
    const raw = await rawTableText(client, tableName);
    const [epochKey] = await Promise.all([
      store.get(Math.floor(Date.parse('2026-12-02T08:00:00Z') / 1000 / 39_600), firstRoot),
    ]);
    expect(epochKey?.privateJwk.d).toEqual(expect.any(String));
    expect(raw).not.toContain(String(epochKey?.privateJwk.d));
  });

  it('lets one claim stand at a time, and a claim that ran out be taken again', async () => {
    const store = new DynamoSigningKeyStore(table);
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claim(99, 'root-a', 1000, 1010)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.claim(99, 'root-a', 1005, 1015)).toBe(false);
    expect(await store.claim(99, 'root-a', 1011, 1021)).toBe(true);
    // Another root's claim on the same epoch is its own.
    expect(await store.claim(99, 'root-b', 1012, 1022)).toBe(true);
  });
});
