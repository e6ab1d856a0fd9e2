/** A record with one entry per name, each built from its name (the one place the type is asserted). */
export function recordOf<K extends string, V>(names: readonly K[], build: (name: K) => V): Record<K, V> {
  return Object.fromEntries(names.map((name) => [name, build(name)])) as Record<K, V>;
}
