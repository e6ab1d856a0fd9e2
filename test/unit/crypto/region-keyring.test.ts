import { writeFileSync } from 'node:fs';
import {
  KeyringNode,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import { describe, expect, it } from 'vitest';
import { SealedDataError, StartupRefusedError } from '../../../functions/core/errors';
import { EncryptingSealer } from '../../../functions/crypto/encrypting-sealer';
import { type LocalKeyFile, readLocalKeyFile } from '../../../functions/crypto/local-key-file';
import { localKeyring } from '../../../functions/crypto/local-key-source';
import { bothRegionsKeyring } from '../../../functions/crypto/region-keyring';
import { tempKeyFile } from '../../helpers/keys';

const cache = { capacity: 10, maxAgeMs: 60_000, maxMessages: 100 };
const binding = { table: 't', pk: 'USER#1', sk: 'PROFILE' };
const fields = { phone: '+8613800138000', name: '张三' };

/** What the other region's KMS holds: its own key and nothing else. */
const onlyRegion = (file: LocalKeyFile, region: string): LocalKeyFile => ({
  ...file,
  wrappingKeys: { [region]: file.wrappingKeys[region] as string },
});

/** A region that is down: every call to its key fails. */
class Unreachable extends KeyringNode {
  calls = 0;
  async _onEncrypt(_material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    this.calls++;
    throw new Error('connect ETIMEDOUT kms.cn-northwest-1.amazonaws.com.cn');
  }
  async _onDecrypt(_material: NodeDecryptionMaterial): Promise<NodeDecryptionMaterial> {
    this.calls++;
    throw new Error('connect ETIMEDOUT');
  }
}

describe('data keys wrapped for both regions', () => {
  const file = readLocalKeyFile(tempKeyFile(), {});

  it('a blob sealed in cn-north-1 opens in cn-northwest-1 with that region key alone', async () => {
    const home = new EncryptingSealer(localKeyring(file, 'cn-north-1'), cache);
    const blob = await home.seal(binding, fields);
    const standby = new EncryptingSealer(
      localKeyring(onlyRegion(file, 'cn-northwest-1'), 'cn-northwest-1'),
      cache,
    );
    expect(await standby.open(binding, blob)).toEqual(fields);
    // And the other way, after a fail-over sealed new data there.
    const back = await new EncryptingSealer(localKeyring(file, 'cn-northwest-1'), cache).seal(
      binding,
      fields,
    );
    const homeOnly = new EncryptingSealer(localKeyring(onlyRegion(file, 'cn-north-1'), 'cn-north-1'), cache);
    expect(await homeOnly.open(binding, back)).toEqual(fields);
  });

  it('a key of neither region opens nothing', async () => {
    const blob = await new EncryptingSealer(localKeyring(file, 'cn-north-1'), cache).seal(binding, fields);
    const stranger = readLocalKeyFile(tempKeyFile(), {});
    const other = new EncryptingSealer(localKeyring(stranger, 'cn-northwest-1'), cache);
    await expect(other.open(binding, blob)).rejects.toThrow(SealedDataError);
  });

  it('a seal goes on when the other region is down, says so, and opens at home', async () => {
    const failures: unknown[] = [];
    const down = new Unreachable();
    const homeOnly = localKeyring(onlyRegion(file, 'cn-north-1'), 'cn-north-1');
    const sealer = new EncryptingSealer(
      bothRegionsKeyring(homeOnly, [down], (e) => failures.push(e)),
      cache,
    );
    const blob = await sealer.seal(binding, fields);
    expect(failures).toHaveLength(1);
    expect(await sealer.open(binding, blob)).toEqual(fields);
    // Opening asked this region's key first and never waited on the down one.
    expect(down.calls).toBe(1);
    // That blob has no copy for the other region, which the failure count told the operator.
    const standby = new EncryptingSealer(
      localKeyring(onlyRegion(file, 'cn-northwest-1'), 'cn-northwest-1'),
      cache,
    );
    await expect(standby.open(binding, blob)).rejects.toThrow(SealedDataError);
  });

  it('a key file without the region refuses to start', () => {
    expect(() => localKeyring(onlyRegion(file, 'cn-north-1'), 'cn-northwest-1')).toThrow(StartupRefusedError);
  });

  it('a version 1 key file is upgraded and still opens what its single key sealed', async () => {
    const path = tempKeyFile();
    const v1 = readLocalKeyFile(path, {});
    const legacy = v1.wrappingKeys['cn-north-1'] as string;
    const { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } = await import('@aws-crypto/client-node');
    const old = new RawAesKeyringNode({
      keyNamespace: 'patient-onboarding-local',
      keyName: 'local-wrapping-key-v1',
      unencryptedMasterKey: new Uint8Array(Buffer.from(legacy, 'base64')),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
    const blob = await new EncryptingSealer(old, cache).seal(binding, fields);
    writeFileSync(
      path,
      JSON.stringify({ version: 1, wrappingKey: legacy, appSecret: v1.appSecret, createdAt: v1.createdAt }),
    );
    const upgraded = readLocalKeyFile(path, {});
    expect(upgraded.version).toBe(2);
    expect(upgraded.appSecret).toBe(v1.appSecret);
    expect(Object.keys(upgraded.wrappingKeys).sort()).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(
      await new EncryptingSealer(localKeyring(upgraded, 'cn-north-1'), cache).open(binding, blob),
    ).toEqual(fields);
  });
});
