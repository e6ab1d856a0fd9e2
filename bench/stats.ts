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
