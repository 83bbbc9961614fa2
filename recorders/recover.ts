import { existsSync, statSync } from "node:fs";
import { recoverH5Dataset, recoverH5Datasets } from "./writers/h5-recovery.js";
import { recoverNpz } from "./writers/npz-recover.js";

/** What recovery did with one dataset left behind by a killed writer. */
export interface Recovered {
  readonly path: string;
  readonly format: string;
  /** recovered, skipped (a live writer owns it), empty or failed. */
  readonly outcome: string;
  readonly episodes: number | undefined;
  readonly error?: string | undefined;
}

/**
 * Rebuilds every dataset a killed writer left as a journal below `target`
 * (a record directory, or one dataset), so numpy, h5py and minari can read
 * every episode the writer had acknowledged.
 */
export async function recoverDatasets(target: string): Promise<Recovered[]> {
  if (!existsSync(target)) return [];
  const dir = statSync(target).isDirectory();
  const npz = (await recoverNpz(target)).map(
    (r): Recovered => ({
      path: r.path,
      format: "npz",
      outcome: r.outcome,
      episodes: r.episodes,
      error: r.error,
    }),
  );
  const h5 = dir
    ? await recoverH5Datasets(target)
    : [await recoverH5Dataset(target)].filter((r) => r !== undefined);
  return [
    ...npz,
    ...h5.map(
      (r): Recovered => ({
        path: r.path,
        format: r.format,
        outcome: r.skipped ? "skipped" : "recovered",
        episodes: r.stats?.totalEpisodes,
      }),
    ),
  ];
}
