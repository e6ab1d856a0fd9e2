import { accountStore, smsSender } from '../auth/deps';
import { readOnly } from '../kernel/audit/ports';
import { newId } from '../kernel/ids';
import { auditLog, cryptoRandom, edge, plainTable, platform } from '../platform/deps';
import { once } from '../platform/runtime';
import type { SmsSender } from '../providers/sms/ports';
import { DynamoIncidentStore } from './dynamo-incident-store';
import type { DeliveryDeps } from './incidents';

/** The notices inbox route (group `privacy`): the person's own partition, read only. */
export async function noticesDeps() {
  return { edge: edge(), inbox: new DynamoIncidentStore(plainTable(), readOnly) };
}

// Provider credentials are read when a notice SMS is first sent, so a minute with none asks nothing.
const lazySms: SmsSender = { name: 'providers', send: async (message) => (await smsSender()).send(message) };

/** The privacy jobs' incident minute: notice SMS and the report clocks. */
export function deliveryDeps(): Promise<DeliveryDeps> {
  return once<Promise<DeliveryDeps>>('incidentDeliveryDeps', async () => {
    const [audit, accounts] = await Promise.all([auditLog(), accountStore()]);
    return {
      clock: platform().clock,
      store: new DynamoIncidentStore(plainTable(), audit),
      newId: () => newId(cryptoRandom),
      sms: lazySms,
      phones: { phoneOf: async (userId) => (await accounts.getUser(userId))?.phone },
      metrics: platform().metrics,
    };
  });
}
