import type { Info, RenderFrame } from "../envs/core/env.js";
import type { EnvSpec } from "../envs/core/registry.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import { decodeTensor } from "../proto/codec/tensor-codec.js";
import { decodeInfo, decodeValue } from "../proto/codec/value-codec.js";
import { type ActionInput, encodeAction } from "./action-encoding.js";
import { policyToWire, type RecordingInfo, type StepPolicy } from "./recording.js";
import { decodeFrame, expect, type RemoteResetArgs } from "./remote-env.js";
import { RemoteSession } from "./remote-session.js";
import type { SessionStream } from "./session-stream.js";

/** A batched reset result. */
export interface RemoteVectorResetResult {
  readonly observation: SpaceValue;
  readonly info: Info;
}

/** A batched step result: one entry per sub-env. */
export interface RemoteVectorStepResult {
  readonly observation: SpaceValue;
  readonly reward: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  readonly info: Info;
}

/** Gymnasium's VectorEnv (NEXT_STEP autoreset) running on a gymrpc server over one Session stream. */
export class RemoteVectorEnv extends RemoteSession {
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  constructor(
    stream: SessionStream,
    sessionId: string,
    readonly spec: EnvSpec,
    readonly numEnvs: number,
    readonly renderMode: string | undefined,
    /** The recording the session started with, if any. */
    readonly recording?: RecordingInfo,
  ) {
    super(stream, sessionId);
    this.observationSpace = spec.observationSpace.batch(numEnvs);
    this.actionSpace = spec.actionSpace.batch(numEnvs);
  }

  get singleObservationSpace(): Space {
    return this.spec.observationSpace;
  }

  get singleActionSpace(): Space {
    return this.spec.actionSpace;
  }

  /** Resets every sub-env; sub-env i is seeded seed + i. */
  async reset(args: RemoteResetArgs = {}): Promise<RemoteVectorResetResult> {
    const res = await this.stream.request({
      request: { $case: "reset", value: { sessionId: "", seed: args.seed, options: args.options } },
    });
    const r = expect(res, "reset");
    return {
      observation: decodeValue(this.observationSpace, r.observation, "observation"),
      info: decodeInfo(r.info),
    };
  }

  /** Steps every sub-env with its slice of the batched action. */
  async step(actions: ActionInput, policy?: StepPolicy): Promise<RemoteVectorStepResult> {
    const res = await this.stream.request({
      request: {
        $case: "step",
        value: {
          sessionId: "",
          action: encodeAction(this.actionSpace, actions),
          policy: policy && policyToWire(policy, this.actionSpace),
        },
      },
    });
    const r = expect(res, "step");
    return {
      observation: decodeValue(this.observationSpace, r.observation, "observation"),
      reward: r.reward
        ? (decodeTensor(r.reward, "reward").data as Float64Array)
        : new Float64Array(this.numEnvs),
      terminated: r.terminated
        ? (decodeTensor(r.terminated, "terminated").data as Uint8Array)
        : new Uint8Array(this.numEnvs),
      truncated: r.truncated
        ? (decodeTensor(r.truncated, "truncated").data as Uint8Array)
        : new Uint8Array(this.numEnvs),
      info: decodeInfo(r.info),
    };
  }

  /** One frame per sub-env. */
  async render(): Promise<(RenderFrame | undefined)[]> {
    const res = await this.stream.request({
      request: { $case: "render", value: { sessionId: "" } },
    });
    const frame = expect(res, "render").frame?.kind;
    return frame?.$case === "tuple" ? frame.value.items.map(decodeFrame) : [];
  }
}
