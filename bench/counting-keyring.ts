import {
  type EncryptedDataKey,
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';

/**
 * A keyring that counts what it is asked to do and delegates to another. Each count is one KMS
 * call when the inner keyring is KMS (GenerateDataKey on encrypt, Decrypt on decrypt); benches and
 * tests use it to measure what the data-key cache saves.
 */
export class CountingKeyring extends KeyringNode {
  readonly #inner: KeyringNode;
  encrypts = 0;
  decrypts = 0;

  constructor(inner: KeyringNode) {
    super();
    this.#inner = inner;
  }

  async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    this.encrypts++;
    return this.#inner.onEncrypt(material);
  }

  async _onDecrypt(
    material: NodeDecryptionMaterial,
    keys: EncryptedDataKey[],
  ): Promise<NodeDecryptionMaterial> {
    this.decrypts++;
    return this.#inner.onDecrypt(material, keys);
  }
}
