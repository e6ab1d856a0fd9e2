import { MiniProgramError } from './ports';

const TIMEOUT_MS = 3000;

/**
 * One call to a mini-program platform: 3 s, never retried here (its codes are single use; a retry
 * is the caller's decision), network failures and 5xx answers become `unavailable`, the body
 * JSON or `unavailable`. Bodies are not logged: they carry session keys, tokens and numbers.
 */
export async function platformCall(
  platform: string,
  url: string,
  init: RequestInit = {},
): Promise<{ text: string; json: Record<string, unknown> }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    text = await response.text();
  } catch (cause) {
    throw new MiniProgramError(platform, 'unavailable', 'network', { cause });
  }
  if (response.status >= 500) throw new MiniProgramError(platform, 'unavailable', `http_${response.status}`);
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json === 'object' && json !== null && !Array.isArray(json))
      return { text, json: json as Record<string, unknown> };
  } catch {
    // fall through
  }
  throw new MiniProgramError(platform, 'unavailable', 'unparseable');
}
