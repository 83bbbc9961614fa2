import type { Info } from "../envs/core/env.js";
import type { SpaceValue } from "../envs/core/spaces/space.js";
import { copyInfo, keptInfo, NO_INFO } from "./clone-value.js";
import { type Columns, createColumns } from "./columns.js";
import { buildEpisode } from "./episode-builder.js";
import type {
  RecordedEpisode,
  RecordingContext,
  StepPolicyInfo,
  TerminationReason,
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
    /** Keep whole step infos (else only `success`: the writer stores no infos). */
    private readonly keepInfos = true,
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
    this.resetInfo = this.keepInfos ? copyInfo(resetInfo) : NO_INFO;
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
    // Envs may reuse their info objects and arrays: keep a copy of what this step said.
    this.infos.push(keptInfo(info, this.keepInfos));
    this.policies.push(policy);
  }

  /** Ends the episode and hands it over as columns; the assembler is then idle. */
  finish(reason: TerminationReason): RecordedEpisode {
    const n = this.rewards.length;
    // Greedy actions are kept only when every step carried one.
    const greedyTaken = this.greedy.take();
    const episode = buildEpisode(
      this.ctx,
      {
        episodeId: this.episodeId,
        subEnv: this.subEnv,
        seed: this.seed,
        resetInfo: this.resetInfo,
        startedAt: this.startedAt,
        endedAt: new Date().toISOString(),
        observations: this.observations.take(),
        actions: this.actions.take(),
        rewards: Float64Array.from(this.rewards),
        terminations: Uint8Array.from(this.terminations),
        truncations: Uint8Array.from(this.truncations),
        infos: this.infos,
        lastInfo: this.infos[n - 1],
        policies: this.policies,
        greedyActions: this.greedyCount === n && n > 0 ? greedyTaken : undefined,
      },
      reason,
    );
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
