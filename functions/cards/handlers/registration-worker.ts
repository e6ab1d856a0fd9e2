import type { SQSEvent } from 'aws-lambda';
import { prepareInvocation } from '../../core/invocation';
import { registerCard } from '../card-service';
import { cardsDeps } from '../deps';
import type { RegistrationJob } from '../ports';

/**
 * The HIS registration worker (SQS in AWS). Each message is one attempt; a retryable failure
 * queues the next attempt with backoff from inside registerCard, so a throw here means something
 * unexpected, and SQS redelivers it and finally dead-letters it.
 */
export async function handler(event: SQSEvent): Promise<void> {
  await prepareInvocation();
  const deps = await cardsDeps();
  for (const record of event.Records) {
    await registerCard(deps, JSON.parse(record.body) as RegistrationJob);
  }
}
