import { kinds } from '../store/keys';
import type { FilterPattern } from '../store/stream-records';

/** The stream records the chain worker takes: new audit entries only (CDK and `npm start` both use it). */
export const auditEntryInserts: FilterPattern = {
  eventName: ['INSERT'],
  dynamodb: { Keys: { pk: { S: [{ prefix: kinds.auditEntry.pk }] } } },
};
