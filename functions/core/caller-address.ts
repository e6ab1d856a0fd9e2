import { isIP } from 'node:net';

/**
 * The address a request's limits count on. API Gateway gives the connecting address; a hop we
 * run ourselves (the web session layer) connects for many people, so from an address listed in
 * `trustedHops` the caller is the nearest `X-Forwarded-For` entry that is not a hop. From anyone
 * else the header is ignored: a client cannot choose whose limits it spends.
 */
export function callerAddress(
  connecting: string,
  forwardedFor: string | undefined,
  trustedHops: readonly string[],
): string {
  if (!forwardedFor || !trustedHops.includes(connecting)) return connecting;
  const entries = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as string;
    if (trustedHops.includes(entry)) continue;
    return isIP(entry) ? entry : connecting;
  }
  return connecting;
}
