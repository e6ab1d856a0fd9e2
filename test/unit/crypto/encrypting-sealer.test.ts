import { describe, expect, it } from 'vitest';
import { CountingKeyring } from '../../../bench/counting-keyring';
import { SealedDataError } from '../../../functions/core/errors';
import { EncryptingSealer } from '../../../functions/crypto/encrypting-sealer';
import { tempKeyMaterial } from '../../helpers/keys';

const cache = { capacity: 10, maxAgeMs: 60_000, maxMessages: 100 };
const binding = { table: 't', pk: 'USER#1', sk: 'PROFILE' };
const fields = { phone: '+8613800138000', idNumber: '11010519491231002X', name: '张三' };

describe('EncryptingSealer', () => {
  it('opens what it sealed', async () => {
    const sealer = new EncryptingSealer(tempKeyMaterial().keyring, cache);
    const blob = await sealer.seal(binding, fields);
    expect(await sealer.open(binding, blob)).toEqual(fields);
  });

  it('does not carry the plaintext in the blob', async () => {
    const sealer = new EncryptingSealer(tempKeyMaterial().keyring, cache);
    const text = Buffer.from(await sealer.seal(binding, fields)).toString('latin1');
    for (const value of Object.values(fields)) expect(text).not.toContain(value);
    expect(text).not.toContain(Buffer.from('张三').toString('latin1'));
  });

  it('refuses a blob moved to another item', async () => {
    const sealer = new EncryptingSealer(tempKeyMaterial().keyring, cache);
    const blob = await sealer.seal(binding, fields);
    await expect(sealer.open({ ...binding, pk: 'USER#2' }, blob)).rejects.toThrow(SealedDataError);
    await expect(sealer.open({ ...binding, sk: 'CARD#1' }, blob)).rejects.toThrow(/another item/);
    await expect(sealer.open({ ...binding, table: 'other' }, blob)).rejects.toThrow(SealedDataError);
  });

  it('refuses a blob with any byte changed', async () => {
    const sealer = new EncryptingSealer(tempKeyMaterial().keyring, cache);
    const blob = await sealer.seal(binding, fields);
    for (const index of [0, 40, Math.floor(blob.length / 2), blob.length - 1]) {
      const tampered = new Uint8Array(blob);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      await expect(sealer.open(binding, tampered)).rejects.toThrow(SealedDataError);
    }
  });

  it('refuses a blob sealed under another key', async () => {
    const blob = await new EncryptingSealer(tempKeyMaterial().keyring, cache).seal(binding, fields);
    await expect(new EncryptingSealer(tempKeyMaterial().keyring, cache).open(binding, blob)).rejects.toThrow(
      SealedDataError,
    );
  });

  it('reuses a data key across items up to maxMessages, so the keyring is asked once per batch', async () => {
    const keyring = new CountingKeyring(tempKeyMaterial().keyring);
    const sealer = new EncryptingSealer(keyring, { capacity: 10, maxAgeMs: 60_000, maxMessages: 50 });
    const blobs = [];
    for (let i = 0; i < 120; i++) blobs.push(await sealer.seal({ ...binding, pk: `USER#${i}` }, fields));
    expect(keyring.encrypts).toBe(3); // 50 + 50 + 20
    for (let i = 0; i < 120; i++) await sealer.open({ ...binding, pk: `USER#${i}` }, blobs[i] as Uint8Array);
    expect(keyring.decrypts).toBe(3);
  });
});
