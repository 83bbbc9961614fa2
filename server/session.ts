import type { ResolvedConfig } from "../envs/core/config.js";
import type { Env, Info, MaybePromise, RenderFrame } from "../envs/core/env.js";
import { mapMaybe } from "../envs/core/env.js";
import { PreconditionError } from "../envs/core/errors.js";
import type { EnvSpec } from "../envs/core/registry.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import type { VectorEnv } from "../envs/core/vector/vector-env.js";
import type { Recorder } from "../recorders/recorder.js";
import { RecordingEnv } from "../recorders/recording-env.js";
import { RecordingVectorEnv } from "../recorders/recording-vector-env.js";
import type { DatasetStats, StepPolicyInfo, TerminationReason } from "../recorders/types.js";

/** What a session's step returns, batched (length 1 arrays for a single env). */
export interface SessionStep {
  readonly observation: SpaceValue;
  readonly reward: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly info: Info;
}

/** What a session's reset returns. */
export interface SessionReset {
  readonly observation: SpaceValue;
  readonly info: Info;
}

/** How the session is driven: unary calls by id (idle timeout applies) or one Session stream. */
export type SessionKind = "unary" | "stream";

/**
 * One live env (or vector of envs) on the server, wrapped by a recorder that
 * stays a pass-through until a recording is attached.
 */
export class Session {
  /** Last time a request touched the session (ms since epoch), for the idle timeout. */
  lastUsed = Date.now();
  private closed = false;
  private readonly env: { readonly single: RecordingEnv } | { readonly vector: RecordingVectorEnv };
  // Single-env results reuse these instead of allocating per step.
  private readonly reward1 = new Float64Array(1);
  private readonly terminated1 = new Uint8Array(1);
  private readonly truncated1 = new Uint8Array(1);

  constructor(
    readonly id: string,
    readonly kind: SessionKind,
    readonly spec: EnvSpec,
    readonly config: ResolvedConfig,
    env: { readonly single: Env } | { readonly vector: VectorEnv },
    readonly peer: string,
  ) {
    this.env =
      "vector" in env
        ? { vector: new RecordingVectorEnv(env.vector) }
        : { single: new RecordingEnv(env.single) };
  }

  /** 0 for a single env, else the number of sub-envs. */
  get numEnvs(): number {
    return "vector" in this.env ? this.env.vector.numEnvs : 0;
  }

  /** Spaces of one (sub-)env. */
  get singleObservationSpace(): Space {
    return "vector" in this.env
      ? this.env.vector.singleObservationSpace
      : this.env.single.observationSpace;
  }

  /** Spaces of one (sub-)env. */
  get singleActionSpace(): Space {
    return "vector" in this.env ? this.env.vector.singleActionSpace : this.env.single.actionSpace;
  }

  /** The space observations travel in (batched for a vector session). */
  get observationSpace(): Space {
    return "vector" in this.env
      ? this.env.vector.observationSpace
      : this.env.single.observationSpace;
  }

  /** The space actions travel in (batched for a vector session). */
  get actionSpace(): Space {
    return "vector" in this.env ? this.env.vector.actionSpace : this.env.single.actionSpace;
  }

  /** The render mode the session was made with. */
  get renderMode(): string | undefined {
    return "vector" in this.env ? this.env.vector.renderMode : this.env.single.renderMode;
  }

  /** True once closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** The recording in progress, if any. */
  get recorder(): Recorder | undefined {
    return "vector" in this.env ? this.env.vector.activeRecorder : this.env.single.activeRecorder;
  }

  reset(
    seed: number | undefined,
    options: Record<string, unknown> | undefined,
  ): MaybePromise<SessionReset> {
    this.lastUsed = Date.now();
    this.throwIfRecordingFailed();
    if ("vector" in this.env) return this.env.vector.reset({ seed, options });
    return this.env.single.reset({ seed, options });
  }

  step(action: SpaceValue, policy?: StepPolicyInfo): MaybePromise<SessionStep> {
    this.lastUsed = Date.now();
    this.throwIfRecordingFailed();
    if ("vector" in this.env) {
      if (policy) this.env.vector.setStepPolicy(policy);
      return this.env.vector.step(action);
    }
    if (policy) this.env.single.setStepPolicy(policy);
    return mapMaybe(this.env.single.step(action), (r) => {
      this.reward1[0] = r.reward;
      this.terminated1[0] = r.terminated ? 1 : 0;
      this.truncated1[0] = r.truncated ? 1 : 0;
      return {
        observation: r.observation,
        reward: this.reward1,
        terminated: this.terminated1,
        truncated: this.truncated1,
        info: r.info,
      };
    });
  }

  /** The frame (or one per sub-env) in the session's render mode. */
  render(): RenderFrame | readonly (RenderFrame | undefined)[] | undefined {
    this.lastUsed = Date.now();
    return "vector" in this.env ? this.env.vector.render() : this.env.single.render();
  }

  /** Starts recording into `recorder`; one recording at a time. */
  startRecording(recorder: Recorder): void {
    if (this.recorder) {
      throw new PreconditionError(
        "ALREADY_RECORDING",
        `session ${this.id} already records to ${this.recorder.path}`,
      );
    }
    if ("vector" in this.env) this.env.vector.attach(recorder);
    else this.env.single.attach(recorder);
  }

  /** Stops recording (a partial episode is written as truncated with `reason`) and finishes the dataset. */
  stopRecording(
    reason: TerminationReason = "recording_stopped",
  ): Promise<DatasetStats> | undefined {
    const rec =
      "vector" in this.env ? this.env.vector.detach(reason) : this.env.single.detach(reason);
    return rec?.close();
  }

  /**
   * Closes the env; harmless when already closed. A recording is finished
   * with `reason` for its partial episode; the promise settles when its files are.
   */
  close(reason: TerminationReason = "client_disconnected"): Promise<DatasetStats> | undefined {
    if (this.closed) return undefined;
    this.closed = true;
    const finishing = this.stopRecording(reason);
    if ("vector" in this.env) this.env.vector.close();
    else this.env.single.close();
    return finishing;
  }

  // A storage failure stops the recording and is reported on the session's next call.
  private throwIfRecordingFailed(): void {
    const err = this.recorder?.error;
    if (err) {
      void this.stopRecording("recording_stopped")?.catch(() => undefined);
      throw err;
    }
  }
}
