import {
  chainMaybe,
  type Env,
  type MaybePromise,
  mapMaybe,
  type ResetArgs,
  type ResetResult,
  type StepResult,
} from "../envs/core/env.js";
import type { SpaceValue } from "../envs/core/spaces/space.js";
import { Wrapper } from "../envs/core/wrappers/wrapper.js";
import { cloneValue } from "./clone-value.js";
import type { EpisodeAssembler } from "./episode-assembler.js";
import type { Recorder } from "./recorder.js";
import type { StepPolicyInfo, TerminationReason } from "./types.js";

/**
 * Records an env's transitions while a Recorder is attached (the pattern of
 * envlogger and Minari's DataCollector); a plain pass-through otherwise.
 * Attaching mid-episode starts recording at the current observation.
 */
export class RecordingEnv extends Wrapper {
  private recorder: Recorder | undefined;
  private assembler: EpisodeAssembler | undefined;
  private lastObservation: SpaceValue | undefined;
  private lastSeed: number | undefined;
  private pendingPolicy: StepPolicyInfo | undefined;

  constructor(env: Env) {
    super(env);
  }

  /** The attached recorder, if recording. */
  get activeRecorder(): Recorder | undefined {
    return this.recorder;
  }

  /** Starts recording into `recorder`. */
  attach(recorder: Recorder): void {
    this.recorder = recorder;
    this.assembler = recorder.assembler(0);
    if (this.lastObservation !== undefined)
      this.assembler.begin(this.lastObservation, this.lastSeed, {});
  }

  /** Stops recording; a partial episode is written as truncated with `reason`. Returns the recorder. */
  detach(reason: TerminationReason): Recorder | undefined {
    const r = this.recorder;
    if (r && this.assembler) r.endEpisode(this.assembler, reason);
    this.recorder = undefined;
    this.assembler = undefined;
    return r;
  }

  /** Behavior-policy metadata for the next step only. */
  setStepPolicy(policy: StepPolicyInfo | undefined): void {
    this.pendingPolicy = policy;
  }

  override reset(args?: ResetArgs): MaybePromise<ResetResult> {
    return mapMaybe(this.env.reset(args), (r) => {
      this.lastObservation = r.observation;
      this.lastSeed = args?.seed;
      if (this.recorder && this.assembler) {
        // A reset in mid-episode ends that episode as truncated.
        this.recorder.endEpisode(this.assembler, "reset");
        this.assembler.begin(r.observation, args?.seed, r.info);
      }
      return r;
    });
  }

  override step(action: SpaceValue): MaybePromise<StepResult> {
    const policy = this.pendingPolicy;
    this.pendingPolicy = undefined;
    // An env may reuse its observation buffer: keep a copy of the pre-step state for streamed transitions.
    const last = this.lastObservation;
    const before =
      last !== undefined && this.recorder?.streamsTransitions ? cloneValue(last) : last;
    return chainMaybe(this.env.step(action), (r): MaybePromise<StepResult> => {
      this.lastObservation = r.observation;
      const rec = this.recorder;
      const asm = this.assembler;
      if (!rec || !asm?.isActive) return r;
      if (policy?.record === false) return rec.discard(asm)?.then(() => r) ?? r;
      if (rec.streamsTransitions && before !== undefined) {
        rec.transition({
          step: asm.length,
          episodeId: asm.currentEpisodeId,
          subEnv: 0,
          seed: this.lastSeed,
          observation: before,
          action,
          reward: r.reward,
          nextObservation: r.observation,
          terminated: r.terminated,
          truncated: r.truncated,
          info: r.info,
          policy,
        });
      }
      asm.step(action, r.reward, r.terminated, r.truncated, r.observation, r.info, policy);
      if (!r.terminated && !r.truncated) return r;
      // The client sees an episode's last step only once the episode is written.
      const written = rec.endEpisode(asm, r.terminated ? "terminated" : "truncated");
      return written ? written.then(() => r) : r;
    });
  }

  override close(): void {
    this.detach("client_disconnected");
    super.close();
  }
}
