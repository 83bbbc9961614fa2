/**
 * `d4rl` format: D4RL's flat HDF5 layout, every transition of every episode
 * in one row of each dataset, so D4RL-style loaders (`f["observations"][:]`,
 * d4rl.qlearning_dataset) read it directly.
 *
 *     /                          root attributes as the `hdf5` format's (format "gymrpc.d4rl",
 *     │                          env_id, policy_id, spaces, config, metadata, created_at; at close
 *     │                          total_episodes, total_steps, mean_episode_length, mean_reward,
 *     │                          success_rate, complete, recovered)
 *     ├── observations           (N, ...) float32: the observation each action was taken in
 *     ├── next_observations      (N, ...) float32: the observation that followed
 *     ├── actions                (N, ...) float32 (Discrete actions as float32 (N,))
 *     ├── rewards                (N,) float32
 *     ├── terminals              (N,) bool (HDF5 enum over int8, numpy bool): terminated
 *     ├── timeouts               (N,) bool: truncated, and the last step of an episode the
 *     │                          recording cut short (so every episode ends in one or the other)
 *     ├── returns_to_go          (N,) float32
 *     ├── infos/<key>            (N, ...) numeric infos in their dtype (float64 numbers, bool)
 *     ├── behavior_prob, epsilon (N,) float64 NaN unknown; was_exploratory (N,) uint8 (255
 *     │                          unknown); greedy_actions (N, ...) float32: when some step had them
 *     └── episodes/              one row per episode: id, start (first row), length, seed (-1
 *                                none) as int64, total_return float64, success int8 (-1 unknown)
 *
 * Dict and Tuple spaces become groups of such arrays (`observations/<key>`);
 * Text spaces are not stored. A column an episode lacks (an info key that
 * appears later) is filled with NaN / 0 / 255. Uncompressed by default
 * (`gzip` option). Rows are staged in the worker (in the wasm heap) and
 * written in runs of whole chunks (h5-stage.ts): uncompressed, chunks of up
 * to 1 MiB and 32Ki rows (down to 64 KiB for a dataset whose first rows were
 * few); 64 KiB with gzip. HDF5 thus never rewrites a partial chunk but at the
 * end of a batch.
 *
 * Crash safety: as the `hdf5` format (see hdf5-writer.ts): writeEpisode
 * resolves once its batch is in the CRC-framed journal `<path>.journal`; the
 * file gets it when the worker is next idle (flushed at most every 250 ms,
 * when every dataset is written up to the same row); after a SIGKILL
 * `recoverH5Dataset(path)` rebuilds a valid file with every episode whose
 * writeEpisode had resolved; close() finishes and fsyncs the file, then
 * deletes the journal.
 */
import type { RecordingContext, WriterFactory } from "../types.js";
import { H5Writer, type H5WriterOptions } from "./h5-writer.js";

/** Opens a `d4rl` dataset writer with options (uncompressed unless `gzip` is given). */
export function openD4rlWriter(
  path: string,
  ctx: RecordingContext,
  options: H5WriterOptions = {},
): Promise<H5Writer> {
  return H5Writer.open("d4rl", path, ctx, options);
}

/** The `d4rl` format's WriterFactory. */
export const createD4rlWriter: WriterFactory = (path, ctx) => openD4rlWriter(path, ctx);
