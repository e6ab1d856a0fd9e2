import { type HisClient, HisUnavailableError } from './ports';

/**
 * A hospital whose HIS secret is not in the provider secret yet (removed, or applied without the
 * check `npm run deployment -- apply` makes): every call is the HIS being unavailable, so a card
 * waits and is tried again as for an outage (and fails in the end), never a 500.
 */
export class UnconfiguredHisClient implements HisClient {
  readonly #hospitalId: string;
  constructor(hospitalId: string) {
    this.#hospitalId = hospitalId;
  }
  #refuse(): never {
    throw new HisUnavailableError(`no HIS secret for ${this.#hospitalId}`);
  }
  async registerPatient(): Promise<never> {
    this.#refuse();
  }
  async updatePatient(): Promise<never> {
    this.#refuse();
  }
  async unbindPatient(): Promise<never> {
    this.#refuse();
  }
}
