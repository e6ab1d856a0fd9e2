import type { SQSEvent } from 'aws-lambda';
import { prepareInvocation } from '../../core/invocation';
import { webhookDeps } from '../deps';
import type { CardEvent } from '../events';
import { deliverWebhook, type WebhookJob } from '../webhooks';

/**
 * Delivers card events to hospital webhooks (SQS in AWS). Messages come from the EventBridge
 * rule (an event envelope: first attempt) or from our own retries (`{event, attempt}`).
 */
export async function handler(event: SQSEvent): Promise<void> {
  await prepareInvocation();
  const deps = await webhookDeps();
  for (const record of event.Records) {
    const body = JSON.parse(record.body) as { detail?: CardEvent } & Partial<WebhookJob>;
    const job: WebhookJob = body.detail ? { event: body.detail, attempt: 1 } : (body as WebhookJob);
    await deliverWebhook(deps, job);
  }
}
