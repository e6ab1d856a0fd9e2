import { HisRejectedError, HisUnavailableError } from './ports';

/** One HIS call: timeout, 5xx and network errors are retryable, 4xx are refusals. */
export async function hisFetch(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new HisUnavailableError('network', { cause });
  }
  const text = await response.text();
  if (response.status >= 500) throw new HisUnavailableError(`http_${response.status}`);
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new HisUnavailableError('unparseable');
  }
  if (response.status >= 400) throw new HisRejectedError(`http_${response.status}`);
  return { status: response.status, body, headers: response.headers };
}
