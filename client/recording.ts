import type { TypedArray } from "../envs/core/dtype.js";
import type { Space } from "../envs/core/spaces/space.js";
import { encodeTensor } from "../proto/codec/tensor-codec.js";
import type { SessionResponse } from "../proto/gen/ts/gymrpc/v1/env_service.js";
import type {
  PolicyInfo,
  RecordingOptions,
  RecordingStatus,
  DatasetStats as WireStats,
} from "../proto/gen/ts/gymrpc/v1/recording.js";
import type { DatasetStats } from "../recorders/types.js";
import { type ActionInput, encodeAction } from "./action-encoding.js";
import type { SessionStream } from "./session-stream.js";

/** What to record: a name inside the server's record directory (its extension picks the format). */
export interface RecordOptions {
  readonly name?: string;
  /** npz, jsonl, jsonl.gz, hdf5, d4rl or minari (default: from the name). */
  readonly format?: string;
  readonly overwrite?: boolean;
  readonly policyId?: string;
  readonly metadata?: Record<string, unknown>;
  /** Drop partial episodes instead of writing them as truncated (collectors want whole episodes only). */
  readonly discardPartialEpisodes?: boolean;
  /** Record at most this many episodes. */
  readonly maxEpisodes?: number;
  /**
   * 0 (none) to 9; default: the format's (npz: deflate level 1, 0 as np.savez; hdf5,
   * d4rl, minari: gzip level, by default 4 for hdf5 and none for the others; jsonl.gz: 1-9).
   */
  readonly compressionLevel?: number;
}

/** Behavior-policy metadata recorded with a step (numbers, or one per sub-env for a vector session). */
export interface StepPolicy {
  readonly behaviorProb?: number | Float64Array;
  readonly greedyAction?: ActionInput;
  readonly wasExploratory?: boolean | Uint8Array;
  readonly epsilon?: number | Float64Array;
  readonly policyId?: string;
  readonly meta?: Record<string, unknown>;
  /** Whether to record this step (per sub-env for a vector session); a sub-env left out drops its episode. */
  readonly record?: boolean | Uint8Array;
}

/** Statistics of a finished dataset: the recorder's own, decoded from the wire. */
export type { DatasetStats };

/** A session's recording. */
export interface RecordingInfo {
  readonly active: boolean;
  readonly outputPath: string;
  readonly format: string;
  readonly episodes: number;
}

/** The wire form of record options. */
export function recordOptionsToWire(o: RecordOptions): RecordingOptions {
  // The wire's int32 would truncate 1.5 to 1; the server checks the range.
  if (o.compressionLevel !== undefined && !Number.isInteger(o.compressionLevel)) {
    throw new TypeError(`compressionLevel must be an integer, got ${o.compressionLevel}`);
  }
  return {
    name: o.name ?? "",
    format: o.format ?? "",
    overwrite: o.overwrite ?? false,
    policyId: o.policyId ?? "",
    metadata: o.metadata,
    discardPartialEpisodes: o.discardPartialEpisodes ?? false,
    maxEpisodes: o.maxEpisodes ?? 0,
    compressionLevel: o.compressionLevel,
  };
}

/** The wire form of step policy metadata; `space` is the (batched) action space. */
export function policyToWire(p: StepPolicy, space: Space): PolicyInfo {
  const f64 = (v: number | Float64Array | undefined) =>
    v === undefined
      ? undefined
      : typeof v === "number"
        ? encodeTensor(Float64Array.of(v), [])
        : encodeTensor(v, [v.length]);
  const explore = p.wasExploratory;
  return {
    behaviorProb: f64(p.behaviorProb),
    epsilon: f64(p.epsilon),
    wasExploratory:
      explore === undefined
        ? undefined
        : typeof explore === "boolean"
          ? encodeTensor(Uint8Array.of(explore ? 1 : 0), [], "bool")
          : encodeTensor(explore as TypedArray, [explore.length], "bool"),
    greedyAction: p.greedyAction === undefined ? undefined : encodeAction(space, p.greedyAction),
    policyId: p.policyId ?? "",
    meta: p.meta,
    record:
      p.record === undefined
        ? undefined
        : typeof p.record === "boolean"
          ? encodeTensor(Uint8Array.of(p.record ? 1 : 0), [], "bool")
          : encodeTensor(p.record, [p.record.length], "bool"),
  };
}

/** Dataset stats from the wire. */
export function statsFromWire(s: WireStats | undefined): DatasetStats {
  return {
    totalEpisodes: s?.totalEpisodes ?? 0,
    totalSteps: s?.totalSteps ?? 0,
    meanEpisodeLength: s?.meanEpisodeLength ?? 0,
    meanReward: s?.meanReward ?? 0,
    successRate: s?.successRate,
    fileSizeMb: s?.fileSizeMb ?? 0,
    outputPath: s?.outputPath ?? "",
    format: s?.format ?? "",
  };
}

/** A recording status from the wire. */
export function recordingFromWire(r: RecordingStatus | undefined): RecordingInfo {
  return {
    active: r?.active ?? false,
    outputPath: r?.outputPath ?? "",
    format: r?.format ?? "",
    episodes: r?.episodes ?? 0,
  };
}

/** Starts recording the stream's session. */
export async function startStreamRecording(
  stream: SessionStream,
  opts: RecordOptions,
): Promise<RecordingInfo> {
  const res: SessionResponse = await stream.request({
    request: {
      $case: "startRecording",
      value: { sessionId: "", options: recordOptionsToWire(opts) },
    },
  });
  const r = res.response;
  if (r?.$case !== "startRecording")
    throw new Error(`expected a startRecording response, got ${r?.$case}`);
  return recordingFromWire(r.value.recording);
}

/** Stops recording the stream's session and returns the dataset's stats. */
export async function stopStreamRecording(stream: SessionStream): Promise<DatasetStats> {
  const res = await stream.request({
    request: { $case: "stopRecording", value: { sessionId: "" } },
  });
  const r = res.response;
  if (r?.$case !== "stopRecording")
    throw new Error(`expected a stopRecording response, got ${r?.$case}`);
  return statsFromWire(r.value.stats);
}
