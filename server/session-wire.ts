import type { RenderFrame } from "../envs/core/env.js";
import { InvalidArgumentError } from "../envs/core/errors.js";
import type { Registry } from "../envs/core/registry.js";
import { validateSeed } from "../envs/core/rng.js";
import { encodeSpace } from "../proto/codec/space-codec.js";
import { encodeSpec } from "../proto/codec/spec-codec.js";
import { encodeTensor } from "../proto/codec/tensor-codec.js";
import { decodeValue, encodeInfo, encodeValue } from "../proto/codec/value-codec.js";
import type {
  MakeRequest,
  MakeResponse,
  RenderResponse,
  ResetRequest,
  ResetResponse,
  StepRequest,
  StepResponse,
} from "../proto/gen/ts/gymrpc/v1/env_service.js";
import type { Value } from "../proto/gen/ts/gymrpc/v1/tensor.js";
import type { Session, SessionReset, SessionStep } from "./session.js";
import type { OpenArgs } from "./session-manager.js";
import { unpackTypedConfig } from "./typed-configs.js";

const SCALAR: readonly number[] = [];

/** Session arguments from a MakeRequest: typed config first, key/value config merged over it. */
export function openArgsFromMake(
  req: MakeRequest,
  registry: Registry,
  kind: OpenArgs["kind"],
  peer: string,
): OpenArgs {
  const schema = registry.get(req.envId).config;
  const config = { ...unpackTypedConfig(req.typedConfig, schema), ...(req.config ?? {}) };
  return {
    envId: req.envId,
    numEnvs: req.numEnvs,
    kind,
    peer,
    config,
    renderMode: req.renderMode || undefined,
    maxEpisodeSteps: req.maxEpisodeSteps || undefined,
  };
}

/** The MakeResponse of a new session: its spec with the live spaces of one (sub-)env. */
export function makeResponse(session: Session): MakeResponse {
  const spec = encodeSpec(session.spec);
  spec.observationSpace = encodeSpace(session.singleObservationSpace);
  spec.actionSpace = encodeSpace(session.singleActionSpace);
  return {
    sessionId: session.id,
    spec,
    numEnvs: session.numEnvs,
    renderMode: session.renderMode ?? "",
  };
}

/** Seed and options of a ResetRequest, validated. */
export function resetArgs(req: ResetRequest): {
  seed: number | undefined;
  options: Record<string, unknown> | undefined;
} {
  return {
    seed: req.seed === undefined ? undefined : validateSeed(req.seed),
    options: req.options ?? undefined,
  };
}

/** The action of a StepRequest as a value of the session's action space (shape checked; bounds are the env's check). */
export function stepAction(req: StepRequest, session: Session) {
  if (!req.action) throw new InvalidArgumentError("action", "is missing");
  return decodeValue(session.actionSpace, req.action, "action");
}

/** The wire form of a reset result. */
export function resetResponse(session: Session, r: SessionReset): ResetResponse {
  return {
    observation: encodeValue(session.observationSpace, r.observation),
    info: encodeInfo(r.info, session.numEnvs),
  };
}

/** The wire form of a step result (scalars for a single env, [num_envs] arrays for a vector). */
export function stepResponse(session: Session, r: SessionStep): StepResponse {
  const shape = session.numEnvs > 0 ? [session.numEnvs] : SCALAR;
  return {
    observation: encodeValue(session.observationSpace, r.observation),
    reward: encodeTensor(r.reward, shape),
    terminated: encodeTensor(r.terminated, shape, "bool"),
    truncated: encodeTensor(r.truncated, shape, "bool"),
    info: encodeInfo(r.info, session.numEnvs),
  };
}

/** The wire form of a rendered frame (a tuple of frames for a vector session). */
export function renderResponse(frame: ReturnType<Session["render"]>): RenderResponse {
  const one = (f: RenderFrame | undefined): Value | undefined => {
    if (f === undefined) return undefined;
    if (typeof f === "string") return { kind: { $case: "text", value: f } };
    return { kind: { $case: "tensor", value: encodeTensor(f.data, f.shape, "uint8") } };
  };
  if (Array.isArray(frame)) {
    return {
      frame: {
        kind: { $case: "tuple", value: { items: frame.map((f) => one(f) ?? { kind: undefined }) } },
      },
    };
  }
  return { frame: one(frame as RenderFrame | undefined) };
}
