/** Port: randomness, injected so tests can fix codes and ids. */
export interface Random {
  /** An integer in [min, max), from a CSPRNG. */
  int(min: number, max: number): number;
  bytes(length: number): Uint8Array;
}
