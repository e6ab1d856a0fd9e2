/** Percentiles and rates for bench samples (milliseconds). */
export function summarise(samplesMs: number[]) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const total = sorted.reduce((sum, v) => sum + v, 0);
  return {
    count: sorted.length,
    opsPerSecond: Math.round((sorted.length / total) * 1000),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
  };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The partition key written most, with its writes per 1,000 requests. */
export function hottest(writesByKey: ReadonlyMap<string, number>, requests: number) {
  let top: [string, number] = ['', 0];
  for (const entry of writesByKey) if (entry[1] > top[1]) top = entry;
  // Blind indexes and ids in keys are shown as <id>: the shape of the key is what matters.
  const [key, writes] = top;
  return {
    key: key.replace(/[\w-]{16,}/g, '<id>'),
    writes,
    writesPer1000: round((writes / requests) * 1000, 1),
  };
}
