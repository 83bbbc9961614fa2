import { type ConfigSchema, closeMatches, type ResolvedConfig, resolveConfig } from "./config.js";
import type { Env, EnvMetadata } from "./env.js";
import { InvalidArgumentError, UnknownEnvError } from "./errors.js";
import type { Space } from "./spaces/space.js";
import { SyncVectorEnv } from "./vector/sync-vector-env.js";
import type { VectorEnv } from "./vector/vector-env.js";
import { ActionChecker } from "./wrappers/action-checker.js";
import { OrderEnforcing } from "./wrappers/order-enforcing.js";
import { TimeLimit } from "./wrappers/time-limit.js";

/** What an entry point receives. */
export interface EnvContext {
  readonly config: ResolvedConfig;
  readonly renderMode: string | undefined;
}

/** Context of a native vectorized entry point. */
export interface VectorEnvContext extends EnvContext {
  readonly numEnvs: number;
  /** TimeLimit per sub-env, undefined for none. */
  readonly maxEpisodeSteps: number | undefined;
}

/** How to build an env, as gymnasium.register's arguments. */
export interface EnvRegistration {
  readonly id: string;
  readonly description: string;
  readonly entryPoint: (ctx: EnvContext) => Env;
  /** A batched implementation for vectorized sessions (Gymnasium's vector_entry_point). */
  readonly vectorEntryPoint?: (ctx: VectorEnvContext) => VectorEnv;
  readonly config: ConfigSchema;
  readonly metadata: EnvMetadata;
  readonly maxEpisodeSteps?: number;
  readonly rewardThreshold?: number;
  /** Gymnasium's nondeterministic: the same seed and actions can give different results. */
  readonly nondeterministic?: boolean;
}

/** A registered env's description with its default-config spaces. */
export interface EnvSpec {
  readonly id: string;
  readonly description: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly metadata: EnvMetadata;
  readonly maxEpisodeSteps: number | undefined;
  readonly rewardThreshold: number | undefined;
  readonly config: ConfigSchema;
  readonly nativeVectorization: boolean;
  readonly nondeterministic: boolean;
}

/** Options of make and makeVec. */
export interface MakeOptions {
  readonly config?: Readonly<Record<string, unknown>>;
  readonly renderMode?: string | undefined;
  /** Overrides the registered TimeLimit. */
  readonly maxEpisodeSteps?: number | undefined;
}

/** Largest number of sub-envs in one vectorized env. */
export const MAX_NUM_ENVS = 65536;

/** Gymnasium's registry: ids to entry points, and make/makeVec with the standard wrappers. */
export class Registry {
  private readonly entries = new Map<string, EnvRegistration>();
  private readonly specs = new Map<string, EnvSpec>();

  /** Registers an env; ids are unique. */
  register(reg: EnvRegistration): void {
    if (this.entries.has(reg.id)) throw new Error(`env id "${reg.id}" is already registered`);
    this.entries.set(reg.id, reg);
  }

  /** Every registered id, sorted. */
  ids(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** The registration of `id`, or UnknownEnvError with close matches. */
  get(id: string): EnvRegistration {
    const reg = this.entries.get(id);
    if (!reg) throw new UnknownEnvError(id, closeMatches(id, this.ids()));
    return reg;
  }

  /** The spec of `id`, with the spaces of its default config. */
  spec(id: string): EnvSpec {
    let spec = this.specs.get(id);
    if (!spec) {
      const reg = this.get(id);
      const env = reg.entryPoint({ config: resolveConfig(reg.config, {}), renderMode: undefined });
      spec = {
        id,
        description: reg.description,
        observationSpace: env.observationSpace,
        actionSpace: env.actionSpace,
        metadata: reg.metadata,
        maxEpisodeSteps: reg.maxEpisodeSteps,
        rewardThreshold: reg.rewardThreshold,
        config: reg.config,
        nativeVectorization: reg.vectorEntryPoint !== undefined,
        nondeterministic: reg.nondeterministic ?? false,
      };
      env.close();
      this.specs.set(id, spec);
    }
    return spec;
  }

  /** gymnasium.make: the env wrapped in ActionChecker, OrderEnforcing and TimeLimit. */
  make(id: string, opts: MakeOptions = {}): Env {
    const { reg, ctx, maxEpisodeSteps } = this.prepare(id, opts);
    let env: Env = new ActionChecker(reg.entryPoint(ctx));
    env = new OrderEnforcing(env);
    if (maxEpisodeSteps !== undefined) env = new TimeLimit(env, maxEpisodeSteps);
    return env;
  }

  /** gymnasium.make_vec: the native batched implementation when there is one, else SyncVectorEnv. */
  makeVec(id: string, numEnvs: number, opts: MakeOptions = {}): VectorEnv {
    if (!Number.isInteger(numEnvs) || numEnvs < 1 || numEnvs > MAX_NUM_ENVS) {
      throw new InvalidArgumentError(
        "num_envs",
        `must be an integer in [1, ${MAX_NUM_ENVS}], got ${numEnvs}`,
      );
    }
    const { reg, ctx, maxEpisodeSteps } = this.prepare(id, opts);
    if (reg.vectorEntryPoint) return reg.vectorEntryPoint({ ...ctx, numEnvs, maxEpisodeSteps });
    return new SyncVectorEnv(Array.from({ length: numEnvs }, () => this.make(id, opts)));
  }

  private prepare(id: string, opts: MakeOptions) {
    const reg = this.get(id);
    const config = resolveConfig(reg.config, opts.config ?? {});
    const renderMode = opts.renderMode || undefined;
    if (renderMode !== undefined && !reg.metadata.renderModes.includes(renderMode)) {
      throw new InvalidArgumentError(
        "render_mode",
        `"${renderMode}" is not supported by ${id} (supported: ${reg.metadata.renderModes.join(", ") || "none"})`,
      );
    }
    const override = opts.maxEpisodeSteps;
    if (override !== undefined && (!Number.isInteger(override) || override < 1)) {
      throw new InvalidArgumentError(
        "max_episode_steps",
        `must be a positive integer, got ${override}`,
      );
    }
    const maxEpisodeSteps = override ?? reg.maxEpisodeSteps;
    return { reg, ctx: { config, renderMode } satisfies EnvContext, maxEpisodeSteps };
  }
}
