import type { ResolvedConfig } from "../envs/core/config.js";
import type { Info } from "../envs/core/env.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";

/** Version of the recorded schema (episode metadata and per-step fields). */
export const SCHEMA_VERSION = "1.0.0";

/** What a client may attach to a step for the recorder (seed 004's behavior-policy fields). */
export interface StepPolicyInfo {
  /** μ(a|s): probability of the taken action under the behavior policy. */
  readonly behaviorProb?: number | undefined;
  /** The action the greedy policy would have taken. */
  readonly greedyAction?: SpaceValue | undefined;
  readonly wasExploratory?: boolean | undefined;
  readonly epsilon?: number | undefined;
  readonly policyId?: string | undefined;
  /** Free-form per-step metadata. */
  readonly meta?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Whether to record this step (per sub-env as 0/1 for a vector session);
   * a sub-env left out drops its current episode until its next one starts.
   */
  readonly record?: boolean | Uint8Array | undefined;
}

/** Why an episode's recording ended. */
export type TerminationReason =
  | "terminated"
  | "truncated"
  | "client_disconnected"
  | "server_shutdown"
  | "recording_stopped"
  | "reset";

/** Describes what is being recorded, given to writers when they open. */
export interface RecordingContext {
  readonly envId: string;
  readonly config: ResolvedConfig;
  /** Spaces of one (sub-)env. */
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  /** Default behavior policy id. */
  readonly policyId: string;
  /** Free-form dataset metadata from the client. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Drop partial episodes instead of writing them truncated; transitions then come per episode. */
  readonly discardPartialEpisodes?: boolean | undefined;
  /** Record at most this many episodes. */
  readonly maxEpisodes?: number | undefined;
}

/** Per-episode metadata (seed 004's EpisodeMetadata, reduced to what a server knows). */
export interface EpisodeMeta {
  /** 0, 1, 2, ... in the order episodes started within one dataset (files list them as they end). */
  readonly episodeId: number;
  /** The reset seed, when the episode started from a seeded reset. */
  readonly seed: number | undefined;
  readonly envId: string;
  readonly config: ResolvedConfig;
  readonly policyId: string;
  /** Sub-env index in a vectorized session (0 for a single env). */
  readonly subEnv: number;
  readonly length: number;
  readonly totalReturn: number;
  readonly terminationReason: TerminationReason;
  /** From the last step's info["success"] when the env reports it. */
  readonly success: boolean | undefined;
  /** SHA-256 (hex) over the episode's observation, action and reward bytes. */
  readonly trajectoryHash: string;
  readonly schemaVersion: string;
  /** ISO 8601 times. */
  readonly startedAt: string;
  readonly endedAt: string;
  /** The info reset returned (e.g. domain-randomization parameters). */
  readonly resetInfo: Info;
}

/** Per-step behavior-policy columns of an episode (NaN / 255 where a step carried none). */
export interface PolicyColumns {
  /** float64 (T,), NaN where unknown. */
  readonly behaviorProb: Float64Array;
  /** float64 (T,), NaN where unknown. */
  readonly epsilon: Float64Array;
  /** 0 / 1, or 255 where unknown (T,). */
  readonly wasExploratory: Uint8Array;
  /** Greedy actions in batched layout (T rows), when every step carried one. */
  readonly greedyActions: SpaceValue | undefined;
  readonly policyIds: readonly string[];
  readonly meta: readonly (Readonly<Record<string, unknown>> | undefined)[];
}

/**
 * One finished episode in columns: observations has T + 1 rows (the reset
 * observation, then each step's), actions and the rest T rows; values use the
 * batched layout of `space.batch(rows)`.
 */
export interface RecordedEpisode {
  readonly meta: EpisodeMeta;
  readonly observations: SpaceValue;
  readonly actions: SpaceValue;
  readonly rewards: Float64Array;
  readonly terminations: Uint8Array;
  readonly truncations: Uint8Array;
  /** Sum of rewards from each step to the end of the episode. */
  readonly returnsToGo: Float64Array;
  /** Info of each step (T entries). */
  readonly infos: readonly Info[];
  readonly policy: PolicyColumns;
}

/** Summary statistics of a dataset (seed 002's generate_dataset return value). */
export interface DatasetStats {
  readonly totalEpisodes: number;
  readonly totalSteps: number;
  readonly meanEpisodeLength: number;
  readonly meanReward: number;
  /** Fraction of episodes whose last info had success true; undefined when the env never reports it. */
  readonly successRate: number | undefined;
  readonly fileSizeMb: number;
  readonly outputPath: string;
  readonly format: string;
}

/** One transition as it happens, for writers that stream every step (JSONL). */
export interface TransitionRecord {
  /** Index of the transition in the dataset, 0, 1, 2, ... */
  readonly t: number;
  /** Index of the step within its episode. */
  readonly step: number;
  /** The episode's id (EpisodeMeta.episodeId). */
  readonly episodeId: number;
  readonly subEnv: number;
  readonly seed: number | undefined;
  readonly observation: SpaceValue;
  readonly action: SpaceValue;
  readonly reward: number;
  readonly nextObservation: SpaceValue;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: Info;
  readonly policy: StepPolicyInfo | undefined;
}

/**
 * Writes a dataset. Writers receive whole episodes (copies they may keep);
 * they must not block the event loop for long (heavy work goes to a worker)
 * and must leave every completed episode readable if the process dies.
 */
export interface DatasetWriter {
  /** Format name, e.g. "npz". */
  readonly format: string;
  /** The dataset's path (file or directory). */
  readonly path: string;
  /**
   * Streams one transition as it happens (optional: only formats written
   * line by line). Values are views valid only during the call.
   */
  writeTransition?(transition: TransitionRecord): void;
  /**
   * True when the finished file depends only on the episodes and their order, not on how
   * writeEpisode calls were batched: collector recordings then need not wait for each write.
   */
  readonly batchInvariant?: boolean;
  /**
   * False when the writer never reads an episode's infos (npz): the recorder then keeps only
   * each step's `success`, for the stats, instead of copying every info, and no reset info
   * (meta.resetInfo is {}). Default true.
   */
  readonly storesInfos?: boolean;
  /** Appends one finished episode. Resolves when it is durable on disk. */
  writeEpisode(episode: RecordedEpisode): Promise<void>;
  /** Finishes the dataset (final index, attributes, stats) and releases resources. */
  close(stats: Omit<DatasetStats, "fileSizeMb" | "outputPath" | "format">): Promise<void>;
}

/** Opens a writer for a path the server has already confined to its record directory. */
export type WriterFactory = (path: string, ctx: RecordingContext) => Promise<DatasetWriter>;
