import * as z from 'zod/mini';
import { keys } from '../../store/keys';
import { attr, parseRow, readRow } from '../../store/rows';
import { conditions, type SealedTable } from '../../store/sealed-table';
import type { PublishedKey, SigningKeyStore, StoredSigningKey } from './signing-keys';

/**
 * `SIGNINGKEY/EPOCH#<root>#<epoch>`: the key, its private half sealed.
 * `SIGNINGKEY/PUBLIC#<root>#<epoch>`: its public half alone, so publishing the JWKS opens nothing
 * (no KMS call); every root's keys are published while their certificates last.
 */
const keyRow = z.object({
  epoch: attr.number(),
  root: attr.text(),
  kid: attr.text(),
  publicJwk: attr.text(),
  certificate: attr.text(),
  notAfter: attr.number(),
  privateJwk: attr.text(),
});
const publishedRow = z.object({ epoch: attr.number(), publicJwk: attr.text(), notAfter: attr.number() });
const jwk = z.record(z.string(), z.unknown());

/**
 * The epochs' signing keys in one small partition: a few items a day, each gone by TTL a day
 * after its certificate ends. The first instance to sign in an epoch writes its key (a
 * conditional put); any instance that raced it reads and uses the one that stands.
 */
export class DynamoSigningKeyStore implements SigningKeyStore {
  readonly #table: SealedTable;

  constructor(table: SealedTable) {
    this.#table = table;
  }

  async get(epoch: number, root: string): Promise<StoredSigningKey | undefined> {
    const row = readRow('signingKey', keyRow, await this.#table.get(keys.signingKey(epoch, root)));
    return row && this.#key(row);
  }

  async claim(epoch: number, root: string, nowSeconds: number, untilSeconds: number): Promise<boolean> {
    const outcome = await this.#table.commit(
      await this.#table.put(
        'signingKeyClaim',
        { ...keys.signingKeyClaim(epoch, root), until: untilSeconds, ttl: untilSeconds + 86_400 },
        {},
        {
          expression: 'attribute_not_exists(pk) OR #until < :now',
          names: { '#until': 'until' },
          values: { ':now': nowSeconds },
        },
      ),
    );
    return outcome.ok;
  }

  async create(key: StoredSigningKey): Promise<StoredSigningKey> {
    const publicJwk = JSON.stringify(key.publicJwk);
    const ttl = key.notAfter + 86_400;
    const outcome = await this.#table.commit([
      await this.#table.put(
        'signingKey',
        {
          ...keys.signingKey(key.epoch, key.root),
          epoch: key.epoch,
          root: key.root,
          kid: key.kid,
          publicJwk,
          certificate: key.certificate,
          notAfter: key.notAfter,
          ttl,
        },
        { privateJwk: JSON.stringify(key.privateJwk) },
        conditions.absent,
      ),
      await this.#table.put(
        'publishedKey',
        {
          ...keys.publishedKey(key.epoch, key.root),
          epoch: key.epoch,
          publicJwk,
          notAfter: key.notAfter,
          ttl,
        },
        {},
        conditions.absent,
      ),
    ]);
    if (outcome.ok) return key;
    const standing = await this.get(key.epoch, key.root);
    if (!standing) throw new Error(`signing key of epoch ${key.epoch} refused and not found`);
    return standing;
  }

  async published(nowSeconds: number): Promise<PublishedKey[]> {
    const stored = await this.#table.queryAll({
      pk: keys.signingKeyPartition,
      skPrefix: keys.publishedKeyPrefix,
      newestFirst: true,
    });
    return stored
      .map(({ item }) => parseRow('signingKey', publishedRow, item))
      .filter((row) => row.notAfter > nowSeconds)
      .sort((a, b) => b.epoch - a.epoch)
      .map((row) => ({ epoch: row.epoch, jwk: parseRow('signingKey', jwk, JSON.parse(row.publicJwk)) }));
  }

  #key(row: z.infer<typeof keyRow>): StoredSigningKey {
    return {
      epoch: row.epoch,
      root: row.root,
      kid: row.kid,
      publicJwk: parseRow('signingKey', jwk, JSON.parse(row.publicJwk)),
      privateJwk: parseRow('signingKey', jwk, JSON.parse(row.privateJwk)),
      certificate: row.certificate,
      notAfter: row.notAfter,
    };
  }
}
