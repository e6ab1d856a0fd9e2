import Bowser from 'bowser';

/**
 * A signed-in device as a person recognises it: "Chrome 131 · Android 14", from the user agent
 * the server kept (parsed by Bowser, not by hand). An agent it cannot read shows as `unknown`.
 */
export function deviceName(userAgent: string, unknown: string): string {
  if (!userAgent) return unknown;
  const parsed = Bowser.getParser(userAgent);
  const browser = parsed.getBrowser();
  const os = parsed.getOS();
  const major = browser.version?.split('.')[0];
  const parts = [
    browser.name ? `${browser.name}${major ? ` ${major}` : ''}` : '',
    os.name ? `${os.name}${(os.versionName ?? os.version) ? ` ${os.versionName ?? os.version}` : ''}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : unknown;
}
