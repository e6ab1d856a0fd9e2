import type { Clock } from '../core/clock';
import { AppError } from '../core/errors';
import { sha256 } from '../kernel/ids';
import type { OAuthStore } from './link-ports';

/** A bind token that is still usable (exists, unused, unexpired), or 401 `bind_token_invalid`. */
export async function requireBindToken(
  binds: Pick<OAuthStore, 'getBind'>,
  clock: Clock,
  bindToken: string | undefined,
) {
  if (!bindToken) throw new AppError('bind_token_invalid');
  const record = await binds.getBind(sha256(bindToken));
  if (!record || record.consumed || record.expiresAt <= clock.now().getTime()) {
    throw new AppError('bind_token_invalid');
  }
  return record;
}
