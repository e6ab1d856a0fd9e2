import {
  type EncryptedDataKey,
  KeyringNode,
  MultiKeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';

/**
 * Wraps with the other region's key when it can. A seal must not fail because the standby region
 * is unreachable: the data key is then wrapped by this region's key alone and `onFailure` is told
 * (a metric the alarms watch), so those items are known not to open from a copy until re-wrapped.
 */
class PeerWrapping extends KeyringNode {
  readonly #inner: KeyringNode;
  readonly #onFailure: (error: unknown) => void;

  constructor(inner: KeyringNode, onFailure: (error: unknown) => void) {
    super();
    this.#inner = inner;
    this.#onFailure = onFailure;
  }

  async _onEncrypt(material: NodeEncryptionMaterial) {
    try {
      return await this.#inner.onEncrypt(material);
    } catch (error) {
      this.#onFailure(error);
      return material;
    }
  }

  _onDecrypt(material: NodeDecryptionMaterial, keys: EncryptedDataKey[]) {
    return this.#inner.onDecrypt(material, keys);
  }
}

/** Opens what a retired key wrapped and wraps nothing new with it. */
class OpenOnly extends KeyringNode {
  readonly #inner: KeyringNode;

  constructor(inner: KeyringNode) {
    super();
    this.#inner = inner;
  }

  async _onEncrypt(material: NodeEncryptionMaterial) {
    return material;
  }

  _onDecrypt(material: NodeDecryptionMaterial, keys: EncryptedDataKey[]) {
    return this.#inner.onDecrypt(material, keys);
  }
}

export const openOnly = (keyring: KeyringNode): KeyringNode => new OpenOnly(keyring);

/**
 * Data keys wrapped for both China regions: this region's key generates and wraps each data key,
 * and each other region's key wraps it too, so a backup copied to that region opens there with its
 * own key alone (KMS keys never leave their region; see docs/deploy-china.md on why not
 * multi-Region keys). Opening tries this region's key first, so it never waits on the other region.
 */
export function bothRegionsKeyring(
  home: KeyringNode,
  peers: readonly KeyringNode[],
  onPeerFailure: (error: unknown) => void,
): KeyringNode {
  if (peers.length === 0) return home;
  return new MultiKeyringNode({
    generator: home,
    children: peers.map((peer) => new PeerWrapping(peer, onPeerFailure)),
  });
}
