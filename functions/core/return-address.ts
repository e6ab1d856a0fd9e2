/**
 * Whether a provider may send the browser back to `url`: one of the configured addresses exactly,
 * or (`npm start` only) any page under the local server's own origin. OAuth redirects and the
 * face check's return page share this rule.
 */
export function returnAllowed(
  url: string,
  rule: {
    readonly exact: readonly string[];
    readonly allowLocalOrigin: boolean;
    readonly localOrigin?: string | undefined;
  },
): boolean {
  if (rule.exact.includes(url)) return true;
  return rule.allowLocalOrigin && rule.localOrigin !== undefined && url.startsWith(`${rule.localOrigin}/`);
}
