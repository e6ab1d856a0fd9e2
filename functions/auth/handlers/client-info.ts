import type { HttpRequest } from '../../core/http-handler';
import { ipPrefix } from '../ip';
import type { ClientInfo } from '../sessions';

export function clientInfo(request: HttpRequest): ClientInfo {
  return { sourceIp: request.sourceIp, ipPrefix: ipPrefix(request.sourceIp), userAgent: request.userAgent };
}
