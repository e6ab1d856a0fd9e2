import { createHash } from 'node:crypto';
import type { Random } from './random';

/** 128-bit random id, URL-safe. */
export function newId(random: Random): string {
  return Buffer.from(random.bytes(16)).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
