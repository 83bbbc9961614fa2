import { createHash } from "node:crypto";
import { isTypedArray } from "../envs/core/dtype.js";
import type { Info } from "../envs/core/env.js";
import type { SpaceValue } from "../envs/core/spaces/space.js";
import { type Columns, createColumns } from "./columns.js";
import {
  type EpisodeMeta,
  type RecordedEpisode,
  type RecordingContext,
  SCHEMA_VERSION,
  type StepPolicyInfo,
  type TerminationReason,
} from "./types.js";

/** Accumulates one (sub-)env's episode in columns until it ends. */
export class EpisodeAssembler {
  private readonly observations: Columns;
  private readonly actions: Columns;
  private readonly greedy: Columns;
  private rewards: number[] = [];
  private terminations: number[] = [];
  private truncations: number[] = [];
  private infos: Info[] = [];
  private policies: (StepPolicyInfo | undefined)[] = [];
  private greedyCount = 0;
  private seed: number | undefined;
  private resetInfo: Info = {};
  private startedAt = "";
  private active = false;

  private episodeId = -1;

  constructor(
    private readonly ctx: RecordingContext,
    readonly subEnv: number,
    /** Hands out dataset-wide episode ids as episodes start. */
    private readonly nextEpisodeId: () => number,
  ) {
    this.observations = createColumns(ctx.observationSpace);
    this.actions = createColumns(ctx.actionSpace);
    this.greedy = createColumns(ctx.actionSpace);
  }

  /** True between begin and finish. */
  get isActive(): boolean {
    return this.active;
  }

  /** Id of the current episode (assigned when it began). */
  get currentEpisodeId(): number {
    return this.episodeId;
  }

  /** Steps recorded in the current episode. */
  get length(): number {
    return this.rewards.length;
  }

  /** Starts an episode at `observation` (a value, or row `row` of a batch). */
  begin(observation: SpaceValue, seed: number | undefined, resetInfo: Info, row?: number): void {
    this.discard();
    if (row === undefined) this.observations.append(observation);
    else this.observations.appendRow(observation, row);
    this.seed = seed;
    this.resetInfo = resetInfo;
    this.startedAt = new Date().toISOString();
    this.episodeId = this.nextEpisodeId();
    this.active = true;
  }

  /** Records one step: the action taken and what followed (row `row` of batches when given). */
  step(
    action: SpaceValue,
    reward: number,
    terminated: boolean,
    truncated: boolean,
    nextObservation: SpaceValue,
    info: Info,
    policy: StepPolicyInfo | undefined,
    row?: number,
  ): void {
    if (row === undefined) {
      this.actions.append(action);
      this.observations.append(nextObservation);
    } else {
      this.actions.appendRow(action, row);
      this.observations.appendRow(nextObservation, row);
    }
    if (policy?.greedyAction !== undefined) {
      this.greedy.append(policy.greedyAction);
      this.greedyCount++;
    }
    this.rewards.push(reward);
    this.terminations.push(terminated ? 1 : 0);
    this.truncations.push(truncated ? 1 : 0);
    this.infos.push(info);
    this.policies.push(policy);
  }

  /** Ends the episode and hands it over as columns; the assembler is then idle. */
  finish(reason: TerminationReason): RecordedEpisode {
    const episodeId = this.episodeId;
    const rewards = Float64Array.from(this.rewards);
    const n = rewards.length;
    const returnsToGo = new Float64Array(n);
    for (let i = n - 1, acc = 0; i >= 0; i--) {
      acc += rewards[i]!;
      returnsToGo[i] = acc;
    }
    const observations = this.observations.take();
    const actions = this.actions.take();
    // Greedy actions are kept only when every step carried one.
    const greedyTaken = this.greedy.take();
    const greedyActions = this.greedyCount === n && n > 0 ? greedyTaken : undefined;
    const lastInfo = this.infos[n - 1];
    const success =
      lastInfo && typeof lastInfo.success === "boolean" ? lastInfo.success : undefined;
    const meta: EpisodeMeta = {
      episodeId,
      seed: this.seed,
      envId: this.ctx.envId,
      config: this.ctx.config,
      policyId: this.policies.find((p) => p?.policyId)?.policyId ?? this.ctx.policyId,
      subEnv: this.subEnv,
      length: n,
      totalReturn: n > 0 ? returnsToGo[0]! : 0,
      terminationReason: reason,
      success,
      trajectoryHash: hashTrajectory(observations, actions, rewards),
      schemaVersion: SCHEMA_VERSION,
      startedAt: this.startedAt,
      endedAt: new Date().toISOString(),
      resetInfo: this.resetInfo,
    };
    const policies = this.policies;
    const episode: RecordedEpisode = {
      meta,
      observations,
      actions,
      rewards,
      terminations: Uint8Array.from(this.terminations),
      truncations: Uint8Array.from(this.truncations),
      returnsToGo,
      infos: this.infos,
      policy: {
        behaviorProb: Float64Array.from(policies, (p) => p?.behaviorProb ?? Number.NaN),
        epsilon: Float64Array.from(policies, (p) => p?.epsilon ?? Number.NaN),
        wasExploratory: Uint8Array.from(policies, (p) =>
          p?.wasExploratory === undefined ? 255 : p.wasExploratory ? 1 : 0,
        ),
        greedyActions,
        policyIds: policies.map((p) => p?.policyId ?? meta.policyId),
        meta: policies.map((p) => p?.meta),
      },
    };
    this.reset();
    return episode;
  }

  /** Drops a partial episode without writing it. */
  discard(): void {
    if (this.active) {
      this.observations.take();
      this.actions.take();
      this.greedy.take();
    }
    this.reset();
  }

  private reset(): void {
    this.rewards = [];
    this.terminations = [];
    this.truncations = [];
    this.infos = [];
    this.policies = [];
    this.greedyCount = 0;
    this.active = false;
  }
}

/** SHA-256 over the bytes of every tensor in the observations and actions, then the rewards. */
function hashTrajectory(
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
