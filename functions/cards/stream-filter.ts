import { keys } from '../store/keys';
import type { FilterPattern } from '../store/stream-records';

/** The stream records the card-changes worker takes: any change of a card item (CDK and `npm start`). */
export const cardChanges: FilterPattern = {
  dynamodb: { Keys: { sk: { S: [{ prefix: keys.cardPrefix }] } } },
};
