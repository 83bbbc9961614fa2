import { createHash } from "node:crypto";
import type { ResolvedConfig } from "../envs/core/config.js";
import { isTypedArray } from "../envs/core/dtype.js";
import type { Info } from "../envs/core/env.js";
import type { SpaceValue } from "../envs/core/spaces/space.js";
import {
  type EpisodeMeta,
  type PolicyColumns,
  type RecordedEpisode,
  type RecordingContext,
  SCHEMA_VERSION,
  type StepPolicyInfo,
  type TerminationReason,
} from "./types.js";

/** What an episode source hands over when its episode ends. */
export interface EpisodeParts {
  readonly episodeId: number;
  readonly subEnv: number;
  readonly seed: number | undefined;
  readonly resetInfo: Info;
  /** ISO 8601 strings, or ms since the epoch (formatted when read). */
  readonly startedAt: string | number;
  readonly endedAt: string | number;
  /** T + 1 rows, batched layout. */
  readonly observations: SpaceValue;
  /** T rows, batched layout. */
  readonly actions: SpaceValue;
  readonly rewards: Float64Array;
  readonly terminations: Uint8Array;
  readonly truncations: Uint8Array;
  /** Each step's info, or a function making them (called when a writer reads them). */
  readonly infos: readonly Info[] | (() => readonly Info[]);
  /** The last step's info (for success). */
  readonly lastInfo: Info | undefined;
  readonly policies: readonly (StepPolicyInfo | undefined)[];
  /** Where to put the returns-to-go (T zeroed elements), e.g. from an Arena. */
  readonly returnsBuffer?: Float64Array | undefined;
  /** Greedy actions (T rows) when every step carried one. */
  readonly greedyActions: SpaceValue | undefined;
}

/**
 * A finished episode with its metadata: returns-to-go, success from the last info,
 * policy columns. The trajectory hash is computed on first read (writers that do
 * not store it, such as npz, never pay for it).
 */
export function buildEpisode(
  ctx: RecordingContext,
  parts: EpisodeParts,
  reason: TerminationReason,
): RecordedEpisode {
  const { rewards, policies } = parts;
  const n = rewards.length;
  const returnsToGo = parts.returnsBuffer ?? new Float64Array(n);
  for (let i = n - 1, acc = 0; i >= 0; i--) {
    acc += rewards[i]!;
    returnsToGo[i] = acc;
  }
  const lastInfo = parts.lastInfo;
  const success = lastInfo && typeof lastInfo.success === "boolean" ? lastInfo.success : undefined;
  let policyId = ctx.policyId;
  for (const p of policies) {
    if (p?.policyId) {
      policyId = p.policyId;
      break;
    }
  }
  const meta = new BuiltMeta(ctx, parts, policyId, n, n > 0 ? returnsToGo[0]! : 0, reason, success);
  const noPolicy = policies.every((p) => p === undefined);
  const policy: PolicyColumns = noPolicy
    ? new NoPolicyColumns(n, policyId)
    : {
        behaviorProb: Float64Array.from(policies, (p) => p?.behaviorProb ?? Number.NaN),
        epsilon: Float64Array.from(policies, (p) => p?.epsilon ?? Number.NaN),
        wasExploratory: Uint8Array.from(policies, (p) =>
          p?.wasExploratory === undefined ? 255 : p.wasExploratory ? 1 : 0,
        ),
        greedyActions: parts.greedyActions,
        policyIds: Array.from({ length: n }, (_, i) => policies[i]?.policyId ?? policyId),
        meta: Array.from({ length: n }, (_, i) => policies[i]?.meta),
      };
  return new BuiltEpisode(meta, parts, returnsToGo, policy);
}

// Classes, not object literals with getters: a literal's getters are new functions per
// episode, and recorders finish tens of thousands of episodes a second.

/** Episode metadata whose hash and ISO times are computed when first read. */
class BuiltMeta implements EpisodeMeta {
  readonly episodeId: number;
  readonly seed: number | undefined;
  readonly envId: string;
  readonly config: ResolvedConfig;
  readonly subEnv: number;
  readonly schemaVersion = SCHEMA_VERSION;
  readonly resetInfo: Info;
  private hash: string | undefined;

  constructor(
    ctx: RecordingContext,
    private readonly parts: EpisodeParts,
    readonly policyId: string,
    readonly length: number,
    readonly totalReturn: number,
    readonly terminationReason: TerminationReason,
    readonly success: boolean | undefined,
  ) {
    this.episodeId = parts.episodeId;
    this.seed = parts.seed;
    this.envId = ctx.envId;
    this.config = ctx.config;
    this.subEnv = parts.subEnv;
    this.resetInfo = parts.resetInfo;
  }

  get trajectoryHash(): string {
    const p = this.parts;
    this.hash ??= hashTrajectory(p.observations, p.actions, p.rewards);
    return this.hash;
  }

  get startedAt(): string {
    return isoTime(this.parts.startedAt);
  }

  get endedAt(): string {
    return isoTime(this.parts.endedAt);
  }

  /** Plain data, getters included, for JSON. */
  toJSON(): EpisodeMeta {
    const { parts: _, hash: __, ...rest } = this;
    return {
      ...rest,
      trajectoryHash: this.trajectoryHash,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
    };
  }
}

/** A finished episode whose per-step infos are made when first read. */
class BuiltEpisode implements RecordedEpisode {
  readonly observations: SpaceValue;
  readonly actions: SpaceValue;
  readonly rewards: Float64Array;
  readonly terminations: Uint8Array;
  readonly truncations: Uint8Array;
  private infoList: readonly Info[] | undefined;

  constructor(
    readonly meta: EpisodeMeta,
    private readonly parts: EpisodeParts,
    readonly returnsToGo: Float64Array,
    readonly policy: PolicyColumns,
  ) {
    this.observations = parts.observations;
    this.actions = parts.actions;
    this.rewards = parts.rewards;
    this.terminations = parts.terminations;
    this.truncations = parts.truncations;
    if (typeof parts.infos !== "function") this.infoList = parts.infos;
  }

  get infos(): readonly Info[] {
    this.infoList ??= (this.parts.infos as () => readonly Info[])();
    return this.infoList;
  }
}

/** Policy columns of an episode whose steps carried no policy metadata (shared constant views). */
class NoPolicyColumns implements PolicyColumns {
  readonly behaviorProb: Float64Array;
  readonly epsilon: Float64Array;
  readonly wasExploratory: Uint8Array;
  readonly greedyActions = undefined;

  constructor(
    private readonly n: number,
    private readonly policyId: string,
  ) {
    this.behaviorProb = constant(NAN64, n, Number.NaN);
    this.epsilon = this.behaviorProb;
    this.wasExploratory = constant(UNKNOWN8, n, 255);
  }

  get policyIds(): readonly string[] {
    return new Array<string>(this.n).fill(this.policyId);
  }

  get meta(): readonly (Readonly<Record<string, unknown>> | undefined)[] {
    return new Array(this.n).fill(undefined);
  }
}

const isoTime = (t: string | number): string =>
  typeof t === "string" ? t : new Date(t).toISOString();

const NAN64 = { data: new Float64Array(0) };
const UNKNOWN8 = { data: new Uint8Array(0) };

/** A view of n copies of `fill` out of a shared pool (grown as needed). */
function constant<T extends Float64Array | Uint8Array>(
  pool: { data: T },
  n: number,
  fill: number,
): T {
  if (pool.data.length < n) {
    pool.data = new (pool.data.constructor as new (k: number) => T)(Math.max(n, 4096));
    pool.data.fill(fill);
  }
  return pool.data.subarray(0, n) as T;
}

/** SHA-256 over the bytes of every tensor in the observations and actions, then the rewards. */
export function hashTrajectory(
  observations: SpaceValue,
  actions: SpaceValue,
  rewards: Float64Array,
): string {
  const h = createHash("sha256");
  const feed = (v: SpaceValue): void => {
    if (isTypedArray(v)) h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    else if (typeof v === "string") h.update(v);
    else if (typeof v === "number") h.update(String(v));
    else if (Array.isArray(v)) v.forEach(feed);
    else for (const k of Object.keys(v as object)) feed((v as Record<string, SpaceValue>)[k]!);
  };
  feed(observations);
  feed(actions);
  h.update(new Uint8Array(rewards.buffer, rewards.byteOffset, rewards.byteLength));
  return h.digest("hex");
}
