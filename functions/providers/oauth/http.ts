import { OAuthProviderError } from './ports';

const TIMEOUT_MS = 3000;

/**
 * Provider HTTP with the rules every OAuth call follows: 3 s timeout; GETs (idempotent) retried
 * once on a network error or 5xx; a POST never retried (a code is single use). Network failures
 * become `unavailable` (503).
 */
export async function providerFetch(
  provider: string,
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; text: string }> {
  const attempts = (init.method ?? 'GET') === 'GET' ? 2 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const text = await response.text();
      if (response.status >= 500 && attempt < attempts) continue;
      if (response.status >= 500)
        throw new OAuthProviderError(provider, 'unavailable', `http_${response.status}`);
      return { status: response.status, text };
    } catch (error) {
      if (error instanceof OAuthProviderError) throw error;
      lastError = error;
    }
  }
  throw new OAuthProviderError(provider, 'unavailable', 'network', { cause: lastError });
}

/** Parses JSON, or QQ's JSONP `callback( {...} );`, or fails as a provider error. */
export function parseJsonOrJsonp(provider: string, text: string): Record<string, unknown> {
  const body = text.trim().replace(/^callback\(\s*([\s\S]*?)\s*\);?$/, '$1');
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OAuthProviderError(provider, 'provider_error', 'unparseable');
}
