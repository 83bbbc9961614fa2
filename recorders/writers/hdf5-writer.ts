/**
 * `hdf5` format: SimScaleAI's HDF5 layout (seed 002), one group per episode.
 *
 * Observations: seed 002 stores `observations` as (T, ...) rows paired with
 * `actions`; so do we, and the T following observations go to
 * `next_observations` (so the final observation is kept; Minari's T + 1
 * layout is what the `minari` format writes).
 *
 *     /                                  root attributes: format "gymrpc.hdf5", schema_version,
 *     │                                  env_id, policy_id, config (JSON), metadata (JSON),
 *     │                                  observation_space / action_space (Minari JSON), created_at;
 *     │                                  at close: total_episodes, total_steps, mean_episode_length,
 *     │                                  mean_reward (mean episode return), success_rate (NaN when the
 *     │                                  env never reports info["success"]), complete, recovered
 *     ├── episode_{id}/                  attributes: episode_id, seed (when seeded), env_id, policy_id,
 *     │   │                              sub_env, length, total_return, termination_reason,
 *     │   │                              trajectory_hash, schema_version, success (bool, when
 *     │   │                              reported), started_at, ended_at, config, reset_info (JSON)
 *     │   ├── observations               (T, ...) space dtype; a group of `<key>` datasets for Dict
 *     │   │                              spaces (`_index_{i}` for Tuple), UTF-8 strings for Text
 *     │   ├── next_observations          (T, ...) same layout, the observation after each action
 *     │   ├── actions                    (T, ...) space dtype (Discrete: int64 (T,))
 *     │   ├── rewards                    (T,) float64
 *     │   ├── terminations, truncations  (T,) bool (an HDF5 enum FALSE/TRUE over int8: numpy bool)
 *     │   ├── returns_to_go              (T,) float64
 *     │   ├── infos/<key>                (T, ...) numeric infos every step carries (float64 numbers,
 *     │   │                              bool, typed arrays in their dtype; nested dicts as groups)
 *     │   └── behavior_prob, epsilon     (T,) float64, NaN where a step carried none; was_exploratory
 *     │                                  (T,) uint8 0/1 (255 unknown); greedy_actions; policy_ids,
 *     │                                  policy_meta (strings): each only when some step carried it
 *     └── episode_{id+1}/ ...
 *
 * Datasets are gzip-compressed (level 4 by default), chunked (one chunk per
 * episode up to 1 MiB) and extendable along rows; with `gzip: 0` they are
 * contiguous instead (episode datasets never grow, and contiguous ones are a
 * third cheaper to create). Groups are named by the recorder's episode id;
 * empty episodes are kept (zero rows). The root statistics are counted by the
 * writer from what it wrote.
 *
 * HDF5 work runs in a worker thread (h5-host.ts, h5-worker.ts): the event
 * loop only encodes each episode into a record at the end of a large buffer
 * (about 6 µs for 50 steps of seed 000's shape; h5-record.ts), and the
 * buffers are transferred, not copied, in batches. Each
 * episode group costs HDF5 about 15 objects (group, datasets, attributes), so
 * this format tops out at a few hundred to a thousand episodes per second per
 * worker thread; the flat `d4rl` format has no per-episode objects.
 *
 * Crash safety. Each batch of episodes is appended to the journal
 * `<path>.journal` (length- and CRC-32-framed records, one gathered write)
 * and only then are its writeEpisode promises resolved; the worker writes the
 * journaled episodes into the HDF5 file when next idle (everything that
 * gathered meanwhile as one batch) and flushes the file (H5Fflush) at most
 * every 250 ms (a flush costs milliseconds). Guarantee: after a SIGKILL (or any crash of the process) at any
 * moment, `recoverH5Dataset(path)` (h5-recovery.ts) rebuilds a valid file
 * holding every episode whose writeEpisode had resolved (and any later one
 * wholly journaled), with the statistics and `recovered = 1`; it writes a
 * temporary file and renames it over `path`, so it can itself be interrupted
 * and rerun. Without recovery the file is usually readable up to its last
 * flush, but that is best effort: HDF5 may be caught in the middle of
 * a metadata write. close() (the SIGTERM path) writes what is pending,
 * finishes, closes and fsyncs the file, and only then deletes the journal
 * (which therefore holds an uncompressed copy of the data while recording).
 * Durability is against process death; with `fsync: true` the journal is
 * also fdatasync'd per batch (power loss).
 */
import type { RecordingContext, WriterFactory } from "../types.js";
import { H5Writer, type H5WriterOptions } from "./h5-writer.js";

/** Default gzip level of the `hdf5` format. */
export const HDF5_DEFAULT_GZIP = 4;

/** Opens an `hdf5` dataset writer with options. */
export function openHdf5Writer(
  path: string,
  ctx: RecordingContext,
  options: H5WriterOptions = {},
): Promise<H5Writer> {
  return H5Writer.open("hdf5", path, ctx, { gzip: HDF5_DEFAULT_GZIP, ...options });
}

/** The `hdf5` format's WriterFactory. */
export const createHdf5Writer: WriterFactory = (path, ctx) => openHdf5Writer(path, ctx);
