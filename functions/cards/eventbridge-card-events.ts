import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { CardEvent, CardEventPublisher } from './events';

/** AWS: card events go to the EventBridge bus (archived in-region); a rule feeds the webhook queue. */
export class EventBridgeCardEvents implements CardEventPublisher {
  readonly #client: Pick<EventBridgeClient, 'send'>;
  readonly #bus: string;

  constructor(client: Pick<EventBridgeClient, 'send'>, bus: string) {
    this.#client = client;
    this.#bus = bus;
  }

  async publish(event: CardEvent): Promise<void> {
    const out = await this.#client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.#bus,
            Source: 'patient-onboarding.cards',
            DetailType: event.type,
            Detail: JSON.stringify(event),
            Time: new Date(event.time),
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) throw new Error(`event ${event.id} not accepted by EventBridge`);
  }
}
