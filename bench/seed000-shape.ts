import { Box } from "../envs/core/spaces/box.js";
import type { EpisodeMeta, RecordingContext } from "../recorders/types.js";
import { SCHEMA_VERSION } from "../recorders/types.js";

/** Seed 000's shape: a 12-float observation (link utilizations), a 10-float action (link weights). */
export const OBS = 12;
/** Seed 000's action width. */
export const ACT = 10;
/** Steps per synthetic episode (SdnRouting-v0's limit). */
export const STEPS = 50;

/** The recording context of a dataset of seed 000's shape (SdnRouting-v0's spaces, float32). */
export function seed000Context(policyId: string): RecordingContext {
  return {
    envId: "SdnRouting-v0",
    config: {},
    observationSpace: new Box(0, 1, [OBS], "float32"),
    actionSpace: new Box(-1, 1, [ACT], "float32"),
    policyId,
    metadata: {},
  };
}

/** The metadata of synthetic episode `id` of seed 000's shape: STEPS steps, ended as `reason`. */
export function seed000EpisodeMeta(
  id: number,
  policyId: string,
  totalReturn: number,
  reason: "terminated" | "truncated",
): EpisodeMeta {
  const now = new Date().toISOString();
  return {
    episodeId: id,
    seed: id,
    envId: "SdnRouting-v0",
    config: {},
    policyId,
    subEnv: 0,
    length: STEPS,
    totalReturn,
    terminationReason: reason,
    success: undefined,
    trajectoryHash: "0".repeat(64),
    schemaVersion: SCHEMA_VERSION,
    startedAt: now,
    endedAt: now,
    resetInfo: {},
  };
}
