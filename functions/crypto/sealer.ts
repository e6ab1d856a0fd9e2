import { SealedDataError } from '../core/errors';

/** Where a sealed blob lives. A blob opens only on the item it was sealed for. */
export interface ItemBinding {
  readonly table: string;
  readonly pk: string;
  readonly sk: string;
}

export type SealedFields = Readonly<Record<string, string>>;

/** Port: authenticated encryption of an item's sensitive attributes, bound to that item. */
export interface Sealer {
  seal(binding: ItemBinding, fields: SealedFields): Promise<Uint8Array>;
  open(binding: ItemBinding, blob: Uint8Array): Promise<SealedFields>;
}

/**
 * Version of the sealed payload layout, carried in the encryption context so a future layout can
 * be told apart (and old blobs re-sealed) without guessing.
 */
export const SEAL_FORMAT_VERSION = '1';

/**
 * The authenticated plaintext: the item key travels inside the ciphertext, so moving a blob to
 * another item is detected when it is opened. (Keeping pk and sk out of the KMS encryption context
 * is deliberate: the data-key cache is keyed by that context, and per-item context would make every
 * seal a KMS call. See encrypting-sealer.ts.)
 */
interface Payload {
  readonly pk: string;
  readonly sk: string;
  readonly fields: SealedFields;
}

export function encodePayload(binding: ItemBinding, fields: SealedFields): Buffer {
  const payload: Payload = { pk: binding.pk, sk: binding.sk, fields };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

export function decodePayload(binding: ItemBinding, plaintext: Uint8Array): SealedFields {
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(plaintext).toString('utf8')) as Partial<Payload>;
  } catch (cause) {
    throw new SealedDataError('payload is not valid', { cause });
  }
  if (payload.pk !== binding.pk || payload.sk !== binding.sk) {
    throw new SealedDataError('blob belongs to another item');
  }
  const fields = payload.fields;
  if (
    typeof fields !== 'object' ||
    fields === null ||
    Object.values(fields).some((v) => typeof v !== 'string')
  ) {
    throw new SealedDataError('payload fields are not valid');
  }
  return fields;
}
