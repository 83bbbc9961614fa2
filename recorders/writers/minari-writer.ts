/**
 * `minari` format: a Minari dataset directory (HDF5 storage) that the real
 * `minari` package opens offline: with MINARI_DATASETS_PATH set to the
 * directory holding it, `minari.load_dataset("<name>")`; or
 * `minari.MinariDataset("<path>/data")`. Name it `<name>-v<N>` (optionally
 * below namespace directories): Minari's dataset ids need the version.
 *
 *     <path>/data/metadata.json    as DataCollector.create_dataset writes it, keys in its order:
 *                                  total_episodes, total_steps, data_format "hdf5", jpeg_encoding
 *                                  false (raw arrays), observation_space / action_space (Minari's
 *                                  JSON serialization, ±Infinity bounds as Python writes them),
 *                                  [env_spec], dataset_size (MB), dataset_id (metadata.dataset_id,
 *                                  else the directory's name), [code_permalink, author (list),
 *                                  author_email (list), algorithm_name] from the recording's
 *                                  metadata, description, minari_version "0.5.0" (Minari checks it
 *                                  against its supported_dataset_versions: accepted by 0.5.0 to at
 *                                  least 0.5.4), [eval_env_spec, requirements, ref_min_score,
 *                                  ref_max_score]
 *     <path>/data/main_data.hdf5   root group tracking creation order, as Minari's
 *       episode_{n}/               n = 0, 1, ... (empty episodes are skipped); attributes id, seed,
 *       │                          total_steps (int64), rewards_sum/mean/std/max/min (float64, as
 *       │                          EpisodeMetadataCallback), gymrpc/episode_id, gymrpc/policy_id,
 *       │                          gymrpc/termination_reason, gymrpc/trajectory_hash, gymrpc/success
 *       ├── observations           (T + 1, ...) in the space's dtype (a group per Dict key,
 *       │                          `_index_{i}` for Tuple items, UTF-8 strings for Text)
 *       ├── actions                (T, ...)
 *       ├── rewards                (T,) float64
 *       ├── terminations           (T,) bool (HDF5 enum over int8: numpy bool, as h5py writes it)
 *       ├── truncations            (T,) bool; true at the end of an episode the recording cut
 *       │                          short, as DataCollector does
 *       └── infos/<key>            (T + 1, ...): the reset info then each step's; keys every step
 *                                  carries (numbers float64, bools, typed arrays, nested dicts);
 *                                  a key missing from the reset info is NaN / false / 0 there
 *
 * So `dataset.filter_episodes(lambda e: e.terminations[-1])` keeps exactly
 * the terminated episodes. Datasets are chunked and extendable as Minari's;
 * uncompressed by default (`gzip` option). metadata.json is rewritten
 * (atomically) right after every flush of the file (at most every 250 ms),
 * so its counts never exceed what the file holds.
 *
 * Crash safety: as the `hdf5` format (see hdf5-writer.ts), with the journal
 * at `<path>/.gymrpc-journal`: after a SIGKILL, `recoverH5Dataset(path)`
 * rebuilds main_data.hdf5 and metadata.json with every episode whose
 * writeEpisode had resolved.
 */
import type { RecordingContext, WriterFactory } from "../types.js";
import { H5Writer, type H5WriterOptions } from "./h5-writer.js";

/** Opens a `minari` dataset writer with options (uncompressed unless `gzip` is given). */
export function openMinariWriter(
  path: string,
  ctx: RecordingContext,
  options: H5WriterOptions = {},
): Promise<H5Writer> {
  return H5Writer.open("minari", path, ctx, options);
}

/** The `minari` format's WriterFactory. */
export const createMinariWriter: WriterFactory = (path, ctx) => openMinariWriter(path, ctx);
