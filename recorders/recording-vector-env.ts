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
import { cloneValue, keptInfo, NO_INFO } from "./clone-value.js";
import { LoggedEpisode } from "./logged-episode.js";
import type { Recorder } from "./recorder.js";
import { StepLog } from "./step-log.js";
import { subEnvInfo } from "./sub-env-info.js";
import { subEnvPolicy } from "./sub-env-policy.js";
import type { StepPolicyInfo, TerminationReason } from "./types.js";

/** Memory the step log may hold before long episodes are gathered out of it early. */
const LOG_BYTES = 256 << 20;

/**
 * Records every sub-env of a vectorized env as its own episodes, following
 * NEXT_STEP autoreset: the step after a sub-env's episode ends is its reset.
 */
export class RecordingVectorEnv implements VectorEnv {
  private recorder: Recorder | undefined;
  private episodes: LoggedEpisode[] = [];
  private log: StepLog | undefined;
  private lastObservation: SpaceValue | undefined;
  private seeds: (number | undefined)[];
  /** Sub-envs whose next step is an autoreset. */
  private readonly done: Uint8Array;
  /** The last step's flags while nothing records, read only if a recording attaches. */
  private lastStep: VectorStepResult | undefined;
  private pendingPolicy: StepPolicyInfo | undefined;

  /**
   * @param logBytes memory the step log may hold before long episodes are gathered
   * out of it early (default 256 MiB)
   */
  constructor(
    readonly env: VectorEnv,
    private readonly logBytes = LOG_BYTES,
  ) {
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
    const log = new StepLog(this.numEnvs, this.singleObservationSpace, this.singleActionSpace);
    this.log = log;
    this.episodes = Array.from(
      { length: this.numEnvs },
      (_, i) => new LoggedEpisode(log, recorder.ctx, i, () => recorder.nextEpisodeId()),
    );
    const obs = this.lastObservation;
    if (obs !== undefined) {
      const k = log.push(obs, undefined, undefined, undefined, undefined, undefined, undefined);
      this.episodes.forEach((a, i) => {
        if (!this.done[i]) a.begin(k, this.seeds[i], {});
      });
    }
  }

  /** Stops recording; partial episodes are written as truncated with `reason`. */
  detach(reason: TerminationReason): Recorder | undefined {
    const r = this.recorder;
    if (r) for (const a of this.episodes) r.endEpisode(a, reason);
    this.recorder = undefined;
    this.episodes = [];
    this.log = undefined;
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
      const log = this.log;
      if (rec && log) {
        const k = log.push(
          r.observation,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
        );
        this.episodes.forEach((a, i) => {
          rec.endEpisode(a, "reset");
          a.begin(k, this.seeds[i], rec.keepsInfos ? subEnvInfo(r.info, i) : NO_INFO);
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
    const log = this.log!;
    const keepInfos = rec.keepsInfos;
    // The log keeps infos by reference: envs may reuse theirs, so non-empty ones are copied
    // (only `success`, for the stats, when the writer stores no infos).
    const info = keptInfo(r.info, keepInfos);
    const k = log.push(r.observation, actions, r.reward, r.terminated, r.truncated, info, policy);
    const space = this.singleActionSpace;
    const streams = rec.streamsTransitions && before !== undefined;
    let written: Promise<void> | undefined;
    const mask = policy?.record;
    for (let i = 0; i < this.numEnvs; i++) {
      const a = this.episodes[i]!;
      // A sub-env the client leaves out of the recording drops its episode until its next one starts.
      const on = mask === undefined || (typeof mask === "boolean" ? mask : mask[i] === 1);
      if (this.done[i]) {
        // This step was sub-env i's autoreset: a new, unseeded episode starts here.
        this.seeds[i] = undefined;
        // Writers that store no infos keep no reset infos either (they are episode metadata).
        if (on) a.begin(k, undefined, keepInfos ? subEnvInfo(r.info, i) : NO_INFO);
        continue;
      }
      if (!on) {
        written = rec.discard(a) ?? written;
        continue;
      }
      if (!a.isActive) continue;
      const terminated = r.terminated[i] === 1;
      const truncated = r.truncated[i] === 1;
      if (streams) {
        rec.transition({
          step: a.length - 1,
          episodeId: a.currentEpisodeId,
          subEnv: i,
          seed: this.seeds[i],
          observation: batchItem(this.singleObservationSpace, before, i),
          action: batchItem(space, actions, i),
          reward: r.reward[i]!,
          nextObservation: batchItem(this.singleObservationSpace, r.observation, i),
          terminated,
          truncated,
          info: subEnvInfo(r.info, i),
          policy: policy && subEnvPolicy(policy, i, space),
        });
      }
      if (terminated || truncated)
        written = rec.endEpisode(a, terminated ? "terminated" : "truncated") ?? written;
    }
    if ((k & 63) === 63) this.trimLog(log, k);
    return written;
  }

  // Frees log entries no episode needs; episodes longer than the log may hold are gathered in pieces.
  private trimLog(log: StepLog, k: number): void {
    const cap = Math.max(128, Math.floor(this.logBytes / log.entryBytes));
    let first = k;
    for (const a of this.episodes) if (a.isActive) first = Math.min(first, a.firstEntry);
    if (k - first > cap) {
      const cut = k - (cap >> 1);
      for (const a of this.episodes) a.spill(cut);
      first = k;
      for (const a of this.episodes) if (a.isActive) first = Math.min(first, a.firstEntry);
    }
    log.release(first);
  }
}
