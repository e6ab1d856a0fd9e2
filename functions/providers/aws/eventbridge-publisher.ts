import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from '../events/ports';

/** What EventBridge needs of an event: its id, its type (the detail type) and when it happened. */
interface BusEvent {
  readonly id: string;
  readonly type: string;
  readonly time: string;
}

/** AWS: events go to an EventBridge bus (archived in-region) under one source; rules route them. */
export class EventBridgePublisher<E extends BusEvent> implements EventPublisher<E> {
  readonly #client: Pick<EventBridgeClient, 'send'>;
  readonly #bus: string;
  readonly #source: string;

  constructor(client: Pick<EventBridgeClient, 'send'>, bus: string, source: string) {
    this.#client = client;
    this.#bus = bus;
    this.#source = source;
  }

  async publish(event: E): Promise<void> {
    const out = await this.#client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.#bus,
            Source: this.#source,
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
