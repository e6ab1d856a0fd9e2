import type { DynamoDBStreamEvent } from 'aws-lambda';
import { prepareInvocation } from '../../core/invocation';
import { matchesFilter, tableChange } from '../../store/stream-records';
import { followCardChanges } from '../card-changes';
import { cardChangeDeps } from '../deps';
import { cardChanges } from '../stream-filter';

/**
 * Card changes from the table's stream (in order per card): registration jobs for new cards and
 * events for their hospitals. A throw fails the batch; Lambda splits and retries it, then sends
 * its position to the dead-letter queue.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  await prepareInvocation();
  const changes = event.Records.filter((record) => matchesFilter(cardChanges, record)).flatMap((record) => {
    const change = tableChange(record);
    return change ? [change] : [];
  });
  await followCardChanges(await cardChangeDeps(), changes);
}
