import { InvalidConfigError } from "../core/errors.js";
import type { Rng } from "../core/rng.js";

/** How the embedded backend generates traffic. */
export type TrafficMode = "pairs" | "random";

/** Lag-one autocorrelation of each flow's log-rate fluctuation from step to step. */
export const TRAFFIC_CORRELATION = 0.9;

const UNITS: Readonly<Record<string, number>> = { "": 1e-6, k: 1e-3, m: 1, g: 1e3 };

/**
 * An iperf-style bandwidth ("10M", "500k", "1.5G", "2000000") in Mbps.
 * K, M and G are decimal (1e3, 1e6, 1e9 bit/s) in either case, as iperf's -b takes them.
 */
export function parseBandwidth(text: string, field = "config.traffic_bw"): number {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([kmg]?)\s*$/i.exec(text);
  if (!m) {
    throw new InvalidConfigError(field, `"${text}" is not a bandwidth like "10M", "500K" or "1G"`);
  }
  const mbps = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  if (!(mbps > 0) || !Number.isFinite(mbps))
    throw new InvalidConfigError(field, `must be > 0, got "${text}"`);
  return mbps;
}

/** A "h1:h2,h2:h3" list as 0-based [source, destination] host indices, checked against `numHosts`. */
export function parsePairs(
  text: string,
  numHosts: number,
  field = "config.traffic_pairs",
): [number, number][] {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) throw new InvalidConfigError(field, 'needs pairs like "h1:h2,h2:h3"');
  return items.map((item) => {
    const m = /^h(\d+)\s*:\s*h(\d+)$/.exec(item);
    if (!m) throw new InvalidConfigError(field, `"${item}" is not a pair like "h1:h2"`);
    const src = Number(m[1]) - 1;
    const dst = Number(m[2]) - 1;
    for (const h of [src, dst]) {
      if (h < 0 || h >= numHosts) {
        throw new InvalidConfigError(
          field,
          `"${item}": the topology has hosts h1..h${numHosts}, one per switch`,
        );
      }
    }
    if (src === dst) throw new InvalidConfigError(field, `"${item}" sends to itself`);
    return [src, dst];
  });
}

/** Settings of the traffic model. */
export interface TrafficOptions {
  readonly mode: TrafficMode;
  /** pairs: the flows, as 0-based [source, destination] hosts. */
  readonly pairs: readonly (readonly [number, number])[];
  /** pairs: the rate of every flow in Mbps. */
  readonly bwMbps: number;
  /** pairs: flows run from offset for this many seconds (0: until the episode ends). */
  readonly durationS: number;
  readonly offsetS: number;
  /** Standard deviation of each flow's log-rate fluctuation (0: constant rates). */
  readonly noise: number;
  /** Simulated seconds per step. */
  readonly stepS: number;
}

/**
 * Flows with their current rates. Every flow's rate is its mean times a
 * mean-one lognormal factor exp(σx - σ²/2), x an AR(1) process
 * (x' = φx + √(1-φ²)ε, φ = TRAFFIC_CORRELATION) started from its stationary N(0, 1).
 * pairs: the listed flows at bwMbps while t = step * stepS is in [offset, offset + duration).
 * random: every ordered host pair, means from a gravity model (see SdnEmbeddedBackend).
 */
export class TrafficModel {
  readonly src: Int32Array;
  readonly dst: Int32Array;
  /** Mean rate of each flow in Mbps. */
  readonly mean: Float64Array;
  /** Current rate of each flow in Mbps. */
  readonly rate: Float64Array;
  private readonly x: Float64Array;
  private steps = 0;

  constructor(
    readonly opts: TrafficOptions,
    numHosts: number,
  ) {
    const flows: (readonly [number, number])[] =
      opts.mode === "pairs" ? [...opts.pairs] : allPairs(numHosts);
    this.src = Int32Array.from(flows, ([s]) => s);
    this.dst = Int32Array.from(flows, ([, d]) => d);
    this.mean = new Float64Array(flows.length).fill(opts.mode === "pairs" ? opts.bwMbps : 0);
    this.rate = new Float64Array(flows.length);
    this.x = new Float64Array(flows.length);
  }

  /** Number of flows. */
  get size(): number {
    return this.src.length;
  }

  /** Starts an episode at t = 0 with fresh fluctuations. */
  reset(rng: Rng): void {
    this.steps = 0;
    if (this.opts.noise > 0) for (let i = 0; i < this.x.length; i++) this.x[i] = rng.normal();
    this.refresh();
  }

  /** Advances one step. */
  advance(rng: Rng): void {
    this.steps++;
    if (this.opts.noise > 0) {
      const phi = TRAFFIC_CORRELATION;
      const k = Math.sqrt(1 - phi * phi);
      for (let i = 0; i < this.x.length; i++) this.x[i] = phi * this.x[i]! + k * rng.normal();
    }
    this.refresh();
  }

  private refresh(): void {
    const { noise, mode, offsetS, durationS, stepS } = this.opts;
    const t = this.steps * stepS;
    const on = mode === "random" || (t >= offsetS && (durationS <= 0 || t < offsetS + durationS));
    const shift = (noise * noise) / 2;
    for (let i = 0; i < this.rate.length; i++) {
      const factor = noise > 0 ? Math.exp(noise * this.x[i]! - shift) : 1;
      this.rate[i] = on ? this.mean[i]! * factor : 0;
    }
  }
}

function allPairs(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s++) for (let d = 0; d < n; d++) if (s !== d) out.push([s, d]);
  return out;
}
