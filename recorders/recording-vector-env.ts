import type { MaybePromise, RenderFrame } from "../envs/core/env.js";
import { chainMaybe, mapMaybe } from "../envs/core/env.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import { batchItem } from "../envs/core/vector/batching.js";
import {
  subEnvSeeds,
  type VectorEnv,
  type VectorResetArgs,
  type VectorResetResult,
  type VectorStepResult,
} from "../envs/core/vector/vector-env.js";
import { cloneValue } from "./clone-value.js";
import type { EpisodeAssembler } from "./episode-assembler.js";
import type { Recorder } from "./recorder.js";
import { subEnvInfo } from "./sub-env-info.js";
import type { StepPolicyInfo, TerminationReason } from "./types.js";

/**
 * Records every sub-env of a vectorized env as its own episodes, following
 * NEXT_STEP autoreset: the step after a sub-env's episode ends is its reset.
 */
export class RecordingVectorEnv implements VectorEnv {
  private recorder: Recorder | undefined;
  private assemblers: EpisodeAssembler[] = [];
  private lastObservation: SpaceValue | undefined;
  private seeds: (number | undefined)[];
  /** Sub-envs whose next step is an autoreset. */
  private readonly done: Uint8Array;
  /** The last step's flags while nothing records, read only if a recording attaches. */
  private lastStep: VectorStepResult | undefined;
  private pendingPolicy: StepPolicyInfo | undefined;

  constructor(readonly env: VectorEnv) {
    this.done = new Uint8Array(env.numEnvs);
    this.seeds = new Array(env.numEnvs).fill(undefined);
  }

  get numEnvs(): number {
    return this.env.numEnvs;
  }
  get singleObservationSpace(): Space {
    return this.env.singleObservationSpace;
  }
  get singleActionSpace(): Space {
    return this.env.singleActionSpace;
  }
  get observationSpace(): Space {
    return this.env.observationSpace;
  }
  get actionSpace(): Space {
    return this.env.actionSpace;
  }
  get renderMode(): string | undefined {
    return this.env.renderMode;
  }

  /** The attached recorder, if recording. */
  get activeRecorder(): Recorder | undefined {
    return this.recorder;
  }

  /** Starts recording every sub-env into `recorder`. */
  attach(recorder: Recorder): void {
    this.syncDone();
    this.recorder = recorder;
    this.assemblers = Array.from({ length: this.numEnvs }, (_, i) => recorder.assembler(i));
    const obs = this.lastObservation;
    if (obs !== undefined) {
      this.assemblers.forEach((a, i) => {
        if (!this.done[i]) a.begin(obs, this.seeds[i], {}, i);
      });
    }
  }

  /** Stops recording; partial episodes are written as truncated with `reason`. */
  detach(reason: TerminationReason): Recorder | undefined {
    const r = this.recorder;
    if (r) for (const a of this.assemblers) r.endEpisode(a, reason);
    this.recorder = undefined;
    this.assemblers = [];
    return r;
  }

  /** Behavior-policy metadata (batched fields) for the next step only. */
  setStepPolicy(policy: StepPolicyInfo | undefined): void {
    this.pendingPolicy = policy;
  }

  reset(args: VectorResetArgs = {}): MaybePromise<VectorResetResult> {
    return mapMaybe(this.env.reset(args), (r) => {
      this.lastObservation = r.observation;
      this.seeds = subEnvSeeds(args.seed, this.numEnvs);
      this.done.fill(0);
      this.lastStep = undefined;
      const rec = this.recorder;
      if (rec) {
        this.assemblers.forEach((a, i) => {
          rec.endEpisode(a, "reset");
          a.begin(r.observation, this.seeds[i], subEnvInfo(r.info, i), i);
        });
      }
      return r;
    });
  }

  step(actions: SpaceValue): MaybePromise<VectorStepResult> {
    const policy = this.pendingPolicy;
    this.pendingPolicy = undefined;
    // Vectorized envs reuse their observation buffer: keep a copy of the pre-step states for streamed transitions.
    const last = this.lastObservation;
    const before =
      last !== undefined && this.recorder?.streamsTransitions ? cloneValue(last) : last;
    return chainMaybe(this.env.step(actions), (r): MaybePromise<VectorStepResult> => {
      this.lastObservation = r.observation;
      const rec = this.recorder;
      const written = rec ? this.record(rec, actions, before, r, policy) : undefined;
      // Without a recording the flags are only remembered, not copied: the step loop stays as fast.
      this.lastStep = r;
      if (rec) this.syncDone();
      // The client sees a step that ended episodes only once they are written.
      return written ? written.then(() => r) : r;
    });
  }

  render(): readonly (RenderFrame | undefined)[] | undefined {
    return this.env.render();
  }

  close(): void {
    this.detach("client_disconnected");
    this.env.close();
  }

  // Which sub-envs ended on the last step (their next step is an autoreset).
  private syncDone(): void {
    const r = this.lastStep;
    if (!r) return;
    for (let i = 0; i < this.numEnvs; i++) this.done[i] = r.terminated[i]! | r.truncated[i]!;
    this.lastStep = undefined;
  }

  private record(
    rec: Recorder,
    actions: SpaceValue,
    before: SpaceValue | undefined,
    r: VectorStepResult,
    policy: StepPolicyInfo | undefined,
  ): Promise<void> | undefined {
    const space = this.singleActionSpace;
    let written: Promise<void> | undefined;
    const mask = policy?.record;
    for (let i = 0; i < this.numEnvs; i++) {
      const a = this.assemblers[i]!;
      // A sub-env the client leaves out of the recording drops its episode until its next one starts.
      const on = mask === undefined || (typeof mask === "boolean" ? mask : mask[i] === 1);
      if (this.done[i]) {
        // This step was sub-env i's autoreset: a new, unseeded episode starts here.
        this.seeds[i] = undefined;
        if (on) a.begin(r.observation, undefined, subEnvInfo(r.info, i), i);
        continue;
      }
      if (!on) {
        written = rec.discard(a) ?? written;
        continue;
      }
      if (!a.isActive) continue;
      const info = subEnvInfo(r.info, i);
      const terminated = r.terminated[i] === 1;
      const truncated = r.truncated[i] === 1;
      const p = policy && subEnvPolicy(policy, i, space);
      if (rec.streamsTransitions && before !== undefined) {
        rec.transition({
          step: a.length,
          episodeId: a.currentEpisodeId,
          subEnv: i,
          seed: this.seeds[i],
          observation: batchItem(this.singleObservationSpace, before, i),
          action: batchItem(space, actions, i),
          reward: r.reward[i]!,
          nextObservation: batchItem(this.singleObservationSpace, r.observation, i),
          terminated,
          truncated,
          info,
          policy: p,
        });
      }
      a.step(actions, r.reward[i]!, terminated, truncated, r.observation, info, p, i);
      if (terminated || truncated)
        written = rec.endEpisode(a, terminated ? "terminated" : "truncated") ?? written;
    }
    return written;
  }
}

/** Sub-env i's slice of batched policy metadata. */
function subEnvPolicy(p: StepPolicyInfo, i: number, actionSpace: Space): StepPolicyInfo {
  const at = (v: unknown): number | undefined =>
    ArrayBuffer.isView(v)
      ? Number((v as unknown as ArrayLike<number>)[i])
      : (v as number | undefined);
  const explore = at(p.wasExploratory);
  return {
    behaviorProb: at(p.behaviorProb),
    epsilon: at(p.epsilon),
    wasExploratory: explore === undefined ? undefined : explore !== 0,
    greedyAction:
      p.greedyAction === undefined ? undefined : batchItem(actionSpace, p.greedyAction, i),
    policyId: p.policyId,
    meta: p.meta,
  };
}
