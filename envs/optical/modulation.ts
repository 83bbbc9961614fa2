/** A modulation format: capacity of one 12.5 GHz slot and the longest path it reaches. */
export interface Modulation {
  readonly name: string;
  readonly gbpsPerSlot: number;
  readonly reachKm: number;
}

/** The reach table, most efficient first; BPSK reaches any length (regenerated as needed). */
export const MODULATIONS: readonly Modulation[] = [
  { name: "16-QAM", gbpsPerSlot: 50, reachKm: 1200 },
  { name: "8-QAM", gbpsPerSlot: 37.5, reachKm: 2500 },
  { name: "QPSK", gbpsPerSlot: 25, reachKm: 5000 },
  { name: "BPSK", gbpsPerSlot: 12.5, reachKm: Number.POSITIVE_INFINITY },
];

/** Slots a request of `gbps` needs on a path of `km`: the most efficient format that reaches, plus guard slots. */
export function slotsNeeded(gbps: number, km: number, guardBand: number): number {
  const m = MODULATIONS.find((x) => km <= x.reachKm) ?? MODULATIONS[MODULATIONS.length - 1]!;
  return Math.ceil(gbps / m.gbpsPerSlot) + guardBand;
}

/** Parses a comma-separated list of request bandwidths in Gb/s ("25,50,100,200"). */
export function parseBandwidths(s: string): number[] {
  const out = s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "")
    .map(Number);
  if (out.length === 0 || out.some((x) => !(x > 0) || !Number.isFinite(x))) {
    throw new Error(`bandwidths must be positive numbers in Gb/s, got "${s}"`);
  }
  return out;
}
