import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../../core/logger';
import { matchesFilter, type TableChange, tableChange } from '../../store/stream-records';
import { chainDeps } from '../deps';
import { entryRefs } from '../entry-refs';
import { linkEntries } from '../link-entries';
import { auditEntryInserts } from '../stream-filter';

/**
 * Links new audit entries into the chain (the table's stream; one invocation at a time per
 * shard, in order). A throw fails the batch: Lambda splits and retries it, and after the last
 * retry its position goes to the dead-letter queue while `audit:verify` reports its entries as
 * unchained. The block's head goes to the log too: a copy outside the table to compare against.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const changes = event.Records.filter((record) => matchesFilter(auditEntryInserts, record)).flatMap(
    (record): TableChange[] => {
      const change = tableChange(record);
      return change ? [change] : [];
    },
  );
  const block = await linkEntries(await chainDeps(), entryRefs(changes));
  if (block) {
    logger.info('audit chain extended', {
      day: block.day,
      seq: block.seq,
      entries: block.refs.length,
      hash: block.hash,
    });
  }
}
