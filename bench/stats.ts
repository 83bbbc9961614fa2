/** Latency summary of a set of samples in microseconds. */
export interface LatencyStats {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
}

/** p50, p99 and mean of samples (given in milliseconds), reported in microseconds. */
export function latencyStats(samplesMs: Float64Array | number[]): LatencyStats {
  const sorted = Float64Array.from(samplesMs).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 1000;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), mean: (sum / sorted.length) * 1000 };
}

/** Times `iterations` sequential awaits of `once`, after `warmup` untimed ones. */
export async function timeRoundTrips(
  once: () => Promise<unknown>,
  iterations: number,
  warmup: number,
): Promise<{ stats: LatencyStats; seconds: number }> {
  for (let i = 0; i < warmup; i++) await once();
  const samples = new Float64Array(iterations);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await once();
    samples[i] = performance.now() - t0;
  }
  return { stats: latencyStats(samples), seconds: (performance.now() - start) / 1000 };
}

/**
 * Untimed passes before a writer figure's timed ones (npz, D4RL, JSONL). V8 still
 * optimizes the writers' code during a process's second pass: D4RL at 1M transitions
 * (`--trace-opt`) optimized 112, 74 and 26 functions in its first three passes, then
 * 6-20 a pass (the bench's own episode copies), and its helper threads' CPU per pass fell
 * from ~190 ms to 50-140 ms. The figures are then the writers' steady state, as in a
 * server that has recorded before; the first pass (cold) is printed beside them.
 */
export const WRITER_WARMUP_PASSES = 3;

/** Runs `pass` `passes` times (at least once), before a figure's timed passes: the first one's rate (cold). */
export async function warmUp(
  passes: number,
  pass: (i: number) => Promise<number>,
): Promise<number> {
  let cold = 0;
  for (let i = 0; i < Math.max(1, passes); i++) {
    const rate = await pass(i);
    if (i === 0) cold = rate;
  }
  return cold;
}

/** A throughput measured over several passes: their median, and every pass. */
export interface PassRates {
  readonly median: number;
  readonly passes: readonly number[];
  /** The rate of the process's first, untimed pass (the writer's code not yet optimized). */
  readonly cold?: number;
}

/** Quantiles `qs` of `xs` (linear interpolation between order statistics; NaN when empty). */
export function quantiles(xs: readonly number[], qs: readonly number[]): number[] {
  const sorted = [...xs].sort((a, b) => a - b);
  return qs.map((q) => {
    if (sorted.length === 0) return Number.NaN;
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  });
}

/** First and third quartiles of `xs`. */
export function quartiles(xs: readonly number[]): [number, number] {
  const [q1, q3] = quantiles(xs, [0.25, 0.75]);
  return [q1!, q3!];
}

/** A confidence interval of a median: its bounds and the probability that it covers the true median. */
export interface MedianInterval {
  readonly lo: number;
  readonly hi: number;
  readonly coverage: number;
}

/**
 * A distribution-free confidence interval of the median of `xs` (independent samples of
 * any continuous distribution): the order statistics x(k) and x(n+1-k) with the largest
 * k whose coverage, 1 - 2 P(Binomial(n, 1/2) < k), is at least `confidence`; with too
 * few samples for that, the range (k = 1) and its smaller coverage. NaN bounds when empty.
 */
export function medianInterval(xs: readonly number[], confidence = 0.95): MedianInterval {
  const n = xs.length;
  if (n === 0) return { lo: Number.NaN, hi: Number.NaN, coverage: 0 };
  const sorted = [...xs].sort((a, b) => a - b);
  // below: P(B <= k - 1) for B ~ Binomial(n, 1/2); pmf: P(B = k - 1).
  let k = 1;
  let pmf = 2 ** -n;
  let below = pmf;
  for (let j = 2; 2 * j <= n + 1; j++) {
    pmf = (pmf * (n - j + 2)) / (j - 1);
    if (1 - 2 * (below + pmf) < confidence) break;
    below += pmf;
    k = j;
  }
  return { lo: sorted[k - 1]!, hi: sorted[n - k]!, coverage: 1 - 2 * below };
}

/** The median and all of `passes` (rates), and the cold pass's rate if given. */
export function passRates(passes: readonly number[], cold?: number): PassRates {
  const [median] = quantiles(passes, [0.5]);
  return cold === undefined ? { median: median!, passes } : { median: median!, passes, cold };
}

/** "2.41M (2.10-2.95M over 5 passes)", and "; cold first pass 1.80M" when it is known. */
export function formatPassRates(r: PassRates): string {
  const m = (x: number) => `${(x / 1e6).toFixed(2)}M`;
  const lo = Math.min(...r.passes);
  const hi = Math.max(...r.passes);
  const cold = r.cold === undefined ? "" : `; cold first pass ${m(r.cold)}`;
  const n = r.passes.length;
  return `${m(r.median)} (${m(lo)}-${m(hi)} over ${n} pass${n === 1 ? "" : "es"}${cold})`;
}
