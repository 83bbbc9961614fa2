import type { Info, RenderFrame } from "../envs/core/env.js";
import type { EnvSpec } from "../envs/core/registry.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import { decodeTensor } from "../proto/codec/tensor-codec.js";
import { decodeInfo, decodeValue } from "../proto/codec/value-codec.js";
import type { SessionResponse } from "../proto/gen/ts/gymrpc/v1/env_service.js";
import type { Value } from "../proto/gen/ts/gymrpc/v1/tensor.js";
import { type ActionInput, encodeAction } from "./action-encoding.js";
import { RemoteError } from "./errors.js";
import { policyToWire, type RecordingInfo, type StepPolicy } from "./recording.js";
import { RemoteSession } from "./remote-session.js";
import type { SessionStream } from "./session-stream.js";

/** Arguments of a remote reset. */
export interface RemoteResetArgs {
  readonly seed?: number;
  readonly options?: Record<string, unknown>;
}

/** A reset result from the server. */
export interface RemoteResetResult<O = SpaceValue> {
  readonly observation: O;
  readonly info: Info;
}

/** A step result from the server. */
export interface RemoteStepResult<O = SpaceValue> {
  readonly observation: O;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: Info;
}

/** Picks the expected response out of a SessionResponse. */
export function expect<C extends NonNullable<SessionResponse["response"]>["$case"]>(
  res: SessionResponse,
  kind: C,
): Extract<NonNullable<SessionResponse["response"]>, { $case: C }>["value"] {
  const r = res.response;
  if (r?.$case !== kind)
    throw new RemoteError(13, `expected a ${kind} response, got ${r?.$case ?? "nothing"}`);
  return r.value as never;
}

/** Decodes a rendered frame. */
export function decodeFrame(v: Value | undefined): RenderFrame | undefined {
  const k = v?.kind;
  if (k?.$case === "text") return k.value;
  if (k?.$case === "tensor") {
    const t = decodeTensor(k.value, "frame");
    const [h = 0, w = 0, c = 0] = t.shape;
    return { shape: [h, w, c], data: t.data as Uint8Array };
  }
  return undefined;
}

/** A Gymnasium env running on a gymrpc server, driven over one Session stream. */
export class RemoteEnv<O extends SpaceValue = SpaceValue> extends RemoteSession {
  constructor(
    stream: SessionStream,
    sessionId: string,
    readonly spec: EnvSpec,
    readonly renderMode: string | undefined,
    /** The recording the session started with, if any. */
    readonly recording?: RecordingInfo,
  ) {
    super(stream, sessionId);
  }

  get observationSpace(): Space {
    return this.spec.observationSpace;
  }

  get actionSpace(): Space {
    return this.spec.actionSpace;
  }

  /** Gymnasium's reset(seed, options). */
  async reset(args: RemoteResetArgs = {}): Promise<RemoteResetResult<O>> {
    const res = await this.stream.request({
      request: { $case: "reset", value: { sessionId: "", seed: args.seed, options: args.options } },
    });
    const r = expect(res, "reset");
    return {
      observation: decodeValue(this.observationSpace, r.observation, "observation") as O,
      info: decodeInfo(r.info),
    };
  }

  /** Gymnasium's step(action). */
  async step(action: ActionInput, policy?: StepPolicy): Promise<RemoteStepResult<O>> {
    const res = await this.stream.request({
      request: {
        $case: "step",
        value: {
          sessionId: "",
          action: encodeAction(this.actionSpace, action),
          policy: policy && policyToWire(policy, this.actionSpace),
        },
      },
    });
    const r = expect(res, "step");
    return {
      observation: decodeValue(this.observationSpace, r.observation, "observation") as O,
      reward: r.reward ? Number(decodeTensor(r.reward, "reward").data[0]) : 0,
      terminated: r.terminated?.data[0] === 1,
      truncated: r.truncated?.data[0] === 1,
      info: decodeInfo(r.info),
    };
  }

  /** The frame in the session's render mode. */
  async render(): Promise<RenderFrame | undefined> {
    const res = await this.stream.request({
      request: { $case: "render", value: { sessionId: "" } },
    });
    return decodeFrame(expect(res, "render").frame);
  }
}
