/** Every item's primary key: partition and sort key (both strings; see keys.ts). */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}
