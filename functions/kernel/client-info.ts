import type { HttpRequest } from '../core/http-handler';
import { ipPrefix } from './network';

export interface ClientInfo {
  /** For limits only; sessions and consents keep the prefix, never the address. */
  readonly sourceIp: string;
  readonly ipPrefix: string;
  readonly userAgent: string;
}

export function clientInfo(request: HttpRequest): ClientInfo {
  return { sourceIp: request.sourceIp, ipPrefix: ipPrefix(request.sourceIp), userAgent: request.userAgent };
}
