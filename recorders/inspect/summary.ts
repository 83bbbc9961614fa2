import type { DatasetStats } from "../types.js";

/** One array of a dataset: where it is, its shape and dtype (numpy's names). */
export interface ArraySummary {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** How it is stored: "stored", "deflate 64%" (of its raw bytes), "gzip 4", "none"; undefined where the format has no such thing. */
  readonly compression?: string | undefined;
}

/** What `gymrpc inspect` reports of a dataset: its stats (as recording it returned them) and arrays. */
export interface DatasetSummary extends Omit<DatasetStats, "outputPath"> {
  readonly path: string;
  /** Arrays, with episode groups folded into one pattern (episode_{i}/...) to keep the list short. */
  readonly arrays: readonly ArraySummary[];
}

/** Episode totals from per-episode lengths and returns. */
export function episodeStats(lengths: readonly number[], returns: readonly number[]) {
  const n = lengths.length;
  const steps = lengths.reduce((a, b) => a + b, 0);
  return {
    totalEpisodes: n,
    totalSteps: steps,
    meanEpisodeLength: n ? steps / n : 0,
    meanReward: n ? returns.reduce((a, b) => a + b, 0) / n : 0,
  };
}

/** Per-episode lengths and returns from flat per-transition episode ids and rewards. */
export function perEpisode(ids: ArrayLike<number>, rewards: ArrayLike<number>) {
  const lengths = new Map<number, number>();
  const returns = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    lengths.set(id, (lengths.get(id) ?? 0) + 1);
    returns.set(id, (returns.get(id) ?? 0) + rewards[i]!);
  }
  return episodeStats([...lengths.values()], [...returns.values()]);
}
