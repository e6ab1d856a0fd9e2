import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  type KeyringNode,
  NodeCachingMaterialsManager,
} from '@aws-crypto/client-node';
import { SealedDataError } from '../core/errors';
import {
  decodePayload,
  encodePayload,
  type ItemBinding,
  SEAL_FORMAT_VERSION,
  type SealedFields,
  type Sealer,
} from './sealer';

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

export interface DataKeyCacheOptions {
  readonly capacity: number;
  readonly maxAgeMs: number;
  readonly maxMessages: number;
}

/** Sealed blobs are a few hundred bytes; refuse to decrypt anything absurd rather than allocate it. */
const MAX_SEALED_BODY_BYTES = 64 * 1024;

/**
 * Envelope encryption with the AWS Encryption SDK: a committing, non-signing suite (AES-256-GCM,
 * HKDF-SHA512, key commitment), data keys from the keyring (KMS in AWS, raw AES locally) behind a
 * caching materials manager bounded by age and message count.
 *
 * The encryption context holds the table and the format version. It is the data-key cache's key,
 * so it must stay stable across items for the cache to save KMS calls; the item binding (pk, sk)
 * is checked inside the authenticated payload instead (see sealer.ts).
 */
export class EncryptingSealer implements Sealer {
  readonly #cmm: NodeCachingMaterialsManager;

  constructor(keyring: KeyringNode, cache: DataKeyCacheOptions) {
    this.#cmm = new NodeCachingMaterialsManager({
      backingMaterials: keyring,
      cache: getLocalCryptographicMaterialsCache(cache.capacity),
      maxAge: cache.maxAgeMs,
      maxMessagesEncrypted: cache.maxMessages,
      partition: 'sealed-attributes',
    });
  }

  async seal(binding: ItemBinding, fields: SealedFields): Promise<Uint8Array> {
    const { result } = await encrypt(this.#cmm, encodePayload(binding, fields), {
      encryptionContext: contextFor(binding),
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    });
    return new Uint8Array(result);
  }

  async open(binding: ItemBinding, blob: Uint8Array): Promise<SealedFields> {
    let plaintext: Buffer;
    try {
      const out = await decrypt(this.#cmm, blob, { maxBodySize: MAX_SEALED_BODY_BYTES });
      const expected = contextFor(binding);
      for (const [key, value] of Object.entries(expected)) {
        if (out.messageHeader.encryptionContext[key] !== value)
          throw new SealedDataError(`context ${key} differs`);
      }
      if (
        out.messageHeader.suiteId !==
        AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY
      ) {
        throw new SealedDataError('unexpected algorithm suite');
      }
      plaintext = out.plaintext;
    } catch (cause) {
      if (cause instanceof SealedDataError) throw cause;
      throw new SealedDataError('decryption failed', { cause });
    }
    return decodePayload(binding, plaintext);
  }
}

function contextFor(binding: ItemBinding): Record<string, string> {
  return { 'po:table': binding.table, 'po:format': SEAL_FORMAT_VERSION };
}
