/** Port: where a feature's events go (EventBridge in AWS; straight to delivery under `npm start`). */
export interface EventPublisher<E> {
  publish(event: E): Promise<void>;
}
