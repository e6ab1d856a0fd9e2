import { isIP } from 'node:net';

/**
 * The network a client sits in, for per-IP limits and consent records: /24 for IPv4, /64 for
 * IPv6. Limiting by prefix stops one host rotating through its neighbours' addresses, and storing
 * only the prefix keeps the record less identifying.
 */
export function ipPrefix(ip: string): string {
  const address = ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const version = isIP(address);
  if (version === 4) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (version === 6) return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
  return 'unknown';
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right].map((h) =>
    Number.parseInt(h || '0', 16).toString(16),
  );
}

export function isLoopback(ip: string): boolean {
  const address = ip.replace(/^::ffff:/, '');
  return address === '::1' || /^127\./.test(address);
}
