import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { isTypedArray } from "../envs/core/dtype.js";
import { InvalidArgumentError } from "../envs/core/errors.js";
import { decodeTensor } from "../proto/codec/tensor-codec.js";
import { decodeValue } from "../proto/codec/value-codec.js";
import type {
  PolicyInfo,
  RecordingOptions,
  RecordingStatus,
  DatasetStats as WireDatasetStats,
} from "../proto/gen/ts/gymrpc/v1/recording.js";
import { type DatasetFormat, resolveFormat, resolveOutputPath } from "../recorders/output-path.js";
import { Recorder } from "../recorders/recorder.js";
import { RecordingError } from "../recorders/recording-errors.js";
import type { DatasetStats, StepPolicyInfo } from "../recorders/types.js";
import { writerFactory } from "../recorders/writers/index.js";
import type { Session } from "./session.js";

/** Where and how the server records. */
export interface RecordingConfig {
  /** Every dataset lives below this directory. */
  readonly recordDir: string;
  /** Record every session in this format unless its make asks otherwise. */
  readonly recordAllFormat?: DatasetFormat | undefined;
  /** Compression level of recordAllFormat's datasets whose options set none. */
  readonly recordAllCompression?: number | undefined;
}

const EXTENSIONS: Readonly<Record<DatasetFormat, string>> = {
  npz: ".npz",
  jsonl: ".jsonl",
  "jsonl.gz": ".jsonl.gz",
  hdf5: ".h5",
  d4rl: ".d4rl.h5",
  minari: "",
};

/** A fresh dataset name for a session: env, UTC time and the session id's first characters. */
export function defaultDatasetName(session: Session, format: DatasetFormat): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${session.spec.id}-${stamp}-${session.id.slice(0, 8)}${EXTENSIONS[format]}`;
}

/** Opens a dataset for `options` and attaches it to the session. */
export async function startRecording(
  session: Session,
  options: RecordingOptions,
  cfg: RecordingConfig,
): Promise<RecordingStatus> {
  const fallback = cfg.recordAllFormat ?? "npz";
  const format = resolveFormat(options.name, options.format || (options.name ? "" : fallback));
  const name = options.name || defaultDatasetName(session, format);
  const path = resolveOutputPath(cfg.recordDir, name, options.overwrite);
  const level =
    options.compressionLevel ??
    (format === cfg.recordAllFormat ? cfg.recordAllCompression : undefined);
  const factory = writerFactory(format, level);
  if (session.recorder) {
    throw new InvalidArgumentError("record", `session already records to ${session.recorder.path}`);
  }
  const ctx = {
    envId: session.spec.id,
    config: session.config,
    observationSpace: session.singleObservationSpace,
    actionSpace: session.singleActionSpace,
    policyId: options.policyId,
    metadata: options.metadata ?? {},
    discardPartialEpisodes: options.discardPartialEpisodes,
    maxEpisodes: options.maxEpisodes || undefined,
  };
  let recorder: Recorder;
  try {
    await mkdir(dirname(path), { recursive: true });
    recorder = new Recorder(await factory(path, ctx), ctx);
  } catch (err) {
    throw RecordingError.fromFs(path, err);
  }
  // Another request may have started a recording while the writer opened.
  if (session.recorder || session.isClosed) {
    await recorder.close().catch(() => undefined);
    throw new InvalidArgumentError("record", "session closed or started recording meanwhile");
  }
  session.startRecording(recorder);
  return recordingStatus(session);
}

/** The session's recording as the wire describes it. */
export function recordingStatus(session: Session): RecordingStatus {
  const r = session.recorder;
  return r
    ? { active: true, outputPath: r.path, format: r.format, episodes: r.episodeCount }
    : { active: false, outputPath: "", format: "", episodes: 0 };
}

/** Stops the session's recording and returns the finished dataset's stats. */
export async function stopRecording(session: Session): Promise<WireDatasetStats> {
  const finishing = session.stopRecording("recording_stopped");
  if (!finishing)
    throw new InvalidArgumentError("session_id", `session ${session.id} is not recording`);
  return statsToWire(await finishing);
}

/** The wire form of dataset stats. */
export function statsToWire(s: DatasetStats): WireDatasetStats {
  return {
    totalEpisodes: s.totalEpisodes,
    totalSteps: s.totalSteps,
    meanEpisodeLength: s.meanEpisodeLength,
    meanReward: s.meanReward,
    successRate: s.successRate,
    fileSizeMb: s.fileSizeMb,
    outputPath: s.outputPath,
    format: s.format,
  };
}

/** Step policy metadata from the wire: scalars for a single env, typed arrays for a vector session. */
export function policyFromWire(
  p: PolicyInfo | undefined,
  session: Session,
): StepPolicyInfo | undefined {
  if (!p) return undefined;
  const read = (t: typeof p.behaviorProb, field: string) => {
    if (!t) return undefined;
    const d = decodeTensor(t, `policy.${field}`).data;
    if (session.numEnvs > 0) {
      if (d.length !== session.numEnvs) {
        throw new InvalidArgumentError(
          `policy.${field}`,
          `expected ${session.numEnvs} values, got ${d.length}`,
        );
      }
      return d as unknown as number;
    }
    return Number(d[0]);
  };
  const explore = read(p.wasExploratory, "was_exploratory");
  const record = read(p.record, "record");
  return {
    behaviorProb: read(p.behaviorProb, "behavior_prob"),
    epsilon: read(p.epsilon, "epsilon"),
    wasExploratory:
      explore === undefined
        ? undefined
        : isTypedArray(explore)
          ? (explore as never)
          : (explore as number) !== 0,
    greedyAction: p.greedyAction
      ? decodeValue(session.actionSpace, p.greedyAction, "policy.greedy_action")
      : undefined,
    policyId: p.policyId || undefined,
    meta: p.meta,
    record:
      record === undefined
        ? undefined
        : isTypedArray(record)
          ? (record as never)
          : (record as number) !== 0,
  };
}
