import type { Env, Info, MaybePromise, RenderFrame } from "../envs/core/env.js";
import { mapMaybe } from "../envs/core/env.js";
import type { EnvSpec } from "../envs/core/registry.js";
import type { Space, SpaceValue } from "../envs/core/spaces/space.js";
import type { VectorEnv } from "../envs/core/vector/vector-env.js";

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

/** One live env (or vector of envs) on the server, with the spaces its values travel in. */
export class Session {
  /** Last time a request touched the session (ms since epoch), for the idle timeout. */
  lastUsed = Date.now();
  private closed = false;
  // Single-env results reuse these instead of allocating per step.
  private readonly reward1 = new Float64Array(1);
  private readonly terminated1 = new Uint8Array(1);
  private readonly truncated1 = new Uint8Array(1);

  constructor(
    readonly id: string,
    readonly kind: SessionKind,
    readonly spec: EnvSpec,
    private readonly env: { readonly single: Env } | { readonly vector: VectorEnv },
    readonly peer: string,
  ) {}

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

  reset(
    seed: number | undefined,
    options: Record<string, unknown> | undefined,
  ): MaybePromise<SessionReset> {
    this.lastUsed = Date.now();
    if ("vector" in this.env) return this.env.vector.reset({ seed, options });
    return this.env.single.reset({ seed, options });
  }

  step(action: SpaceValue): MaybePromise<SessionStep> {
    this.lastUsed = Date.now();
    if ("vector" in this.env) return this.env.vector.step(action);
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

  /** Closes the env; harmless when already closed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if ("vector" in this.env) this.env.vector.close();
    else this.env.single.close();
  }
}
