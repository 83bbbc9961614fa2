import { describe, expect, it } from "vitest";
import { CartPoleEnv } from "../../envs/classic-control/cartpole.js";
import { CartPoleVectorEnv } from "../../envs/classic-control/cartpole-vector.js";
import type { TypedArray } from "../../envs/core/dtype.js";
import type { Env, StepResult } from "../../envs/core/env.js";
import {
  EnvClosedError,
  InvalidActionError,
  InvalidArgumentError,
  InvalidConfigError,
  PreconditionError,
  ResetNeededError,
  UnknownEnvError,
} from "../../envs/core/errors.js";
import {
  type EnvContext,
  type EnvRegistration,
  MAX_NUM_ENVS,
  Registry,
} from "../../envs/core/registry.js";
import { Box } from "../../envs/core/spaces/box.js";
import { SyncVectorEnv } from "../../envs/core/vector/sync-vector-env.js";
import { ActionChecker } from "../../envs/core/wrappers/action-checker.js";
import { OrderEnforcing } from "../../envs/core/wrappers/order-enforcing.js";
import { TimeLimit } from "../../envs/core/wrappers/time-limit.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { CounterEnv } from "./test-envs.js";

const step = (env: Env, action: unknown) => env.step(action as never) as StepResult;

/** The error `f` throws. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

/** A registry with a test env (no native vectorization, rgb_array rendering, a Box action). */
function testRegistry(contexts: EnvContext[] = []): Registry {
  const registry = new Registry();
  const counter: EnvRegistration = {
    id: "Counter-v0",
    description: "counts steps",
    entryPoint: (ctx) => {
      contexts.push(ctx);
      return new CounterEnv({
        length: Number(ctx.config.length),
        renderModes: ["rgb_array"],
        renderMode: ctx.renderMode,
      });
    },
    config: {
      messageType: "test.CounterConfig",
      fields: [{ name: "length", type: "int", default: 1000, description: "", minimum: 1 }],
    },
    metadata: { renderModes: ["rgb_array"], renderFps: 30 },
    maxEpisodeSteps: 7,
  };
  registry.register(counter);
  registry.register({
    id: "BoxAction-v0",
    description: "a Box action",
    entryPoint: () => {
      const env = new CounterEnv();
      Object.defineProperty(env, "actionSpace", { value: new Box(-1, 1, [3]) });
      return env as unknown as Env;
    },
    config: { messageType: "test.Empty", fields: [] },
    metadata: { renderModes: [], renderFps: 0 },
  });
  return registry;
}

describe("Registry ids and specs", () => {
  it("lists CartPole-v1 in the default registry", () => {
    expect(createDefaultRegistry().ids()).toContain("CartPole-v1");
  });

  it("lists ids sorted and refuses duplicates", () => {
    const r = testRegistry();
    expect(r.ids()).toEqual(["BoxAction-v0", "Counter-v0"]);
    expect(() => r.register({ ...r.get("Counter-v0") })).toThrow(/already registered/);
  });

  it("describes CartPole-v1 as Gymnasium registers it", () => {
    const spec = createDefaultRegistry().spec("CartPole-v1");
    expect(spec.id).toBe("CartPole-v1");
    expect(spec.maxEpisodeSteps).toBe(500);
    expect(spec.rewardThreshold).toBe(475);
    expect(spec.nativeVectorization).toBe(true);
    expect(String(spec.actionSpace)).toBe("Discrete(2)");
    expect(spec.observationSpace.shape).toEqual([4]);
    expect(spec.observationSpace.dtype).toBe("float32");
    expect(spec.config.fields.map((f) => f.name)).toEqual(["sutton_barto_reward"]);
  });

  it("builds a spec once and reports non-native vectorization", () => {
    const contexts: EnvContext[] = [];
    const r = testRegistry(contexts);
    const spec = r.spec("Counter-v0");
    expect(r.spec("Counter-v0")).toBe(spec);
    expect(contexts).toHaveLength(1);
    expect(contexts[0]?.config).toEqual({ length: 1000 });
    expect(spec.nativeVectorization).toBe(false);
    expect(spec.maxEpisodeSteps).toBe(7);
    expect(spec.rewardThreshold).toBeUndefined();
  });
});

describe("UnknownEnvError", () => {
  const registry = createDefaultRegistry();

  it('suggests CartPole-v1 for "CartPole-v0"', () => {
    const e = thrown(() => registry.make("CartPole-v0"));
    expect(e).toBeInstanceOf(UnknownEnvError);
    const u = e as UnknownEnvError;
    expect(u.envId).toBe("CartPole-v0");
    expect(u.suggestions).toContain("CartPole-v1");
    expect(u.message).toBe('unknown env id "CartPole-v0"; did you mean "CartPole-v1"?');
  });

  it('suggests CartPole-v1 for "cartpole-v1"', () => {
    const u = thrown(() => registry.get("cartpole-v1")) as UnknownEnvError;
    expect(u).toBeInstanceOf(UnknownEnvError);
    expect(u.suggestions[0]).toBe("CartPole-v1");
  });

  it("makes no suggestion for a far-off id", () => {
    const u = thrown(() => registry.spec("Qqqqqqqqqqqqqqqqqqqq-v9")) as UnknownEnvError;
    expect(u.suggestions).toEqual([]);
    expect(u.message).toBe('unknown env id "Qqqqqqqqqqqqqqqqqqqq-v9"');
  });

  it("is raised by makeVec too", () => {
    expect(() => registry.makeVec("CartPole-v0", 2)).toThrow(UnknownEnvError);
  });
});

describe("Registry.make", () => {
  it("wraps the env as TimeLimit(OrderEnforcing(ActionChecker(env)))", () => {
    const env = createDefaultRegistry().make("CartPole-v1");
    expect(env).toBeInstanceOf(TimeLimit);
    expect((env as TimeLimit).maxEpisodeSteps).toBe(500);
    const order = (env as TimeLimit).env;
    expect(order).toBeInstanceOf(OrderEnforcing);
    const checker = (order as OrderEnforcing).env;
    expect(checker).toBeInstanceOf(ActionChecker);
    expect(env.unwrapped).toBeInstanceOf(CartPoleEnv);
    expect(env.observationSpace).toBe(env.unwrapped.observationSpace);
  });

  it("truncates at max_episode_steps (override) and not before", () => {
    const env = createDefaultRegistry().make("CartPole-v1", { maxEpisodeSteps: 5 });
    env.reset({ seed: 0 });
    const flags: boolean[] = [];
    for (let t = 0; t < 5; t++) {
      const r = step(env, t % 2);
      expect(r.terminated).toBe(false);
      flags.push(r.truncated);
    }
    expect(flags).toEqual([false, false, false, false, true]);
    env.reset();
    expect(step(env, 0).truncated).toBe(false);
  });

  it("truncates a never-terminating env at the registered limit", () => {
    const env = testRegistry().make("Counter-v0");
    env.reset({ seed: 1 });
    const truncated = Array.from({ length: 7 }, () => step(env, 1).truncated);
    expect(truncated.indexOf(true)).toBe(6);
  });

  it("rejects an invalid max_episode_steps override", () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      const e = thrown(() => createDefaultRegistry().make("CartPole-v1", { maxEpisodeSteps: bad }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).field).toBe("max_episode_steps");
    }
  });

  it("enforces reset before step (ResetNeededError)", () => {
    const env = createDefaultRegistry().make("CartPole-v1");
    const e = thrown(() => step(env, 0));
    expect(e).toBeInstanceOf(ResetNeededError);
    expect(e).toBeInstanceOf(PreconditionError);
    expect((e as ResetNeededError).precondition).toBe("RESET_NEEDED");
    // An invalid action before reset still reports the missing reset first.
    expect(() => step(env, 7)).toThrow(ResetNeededError);
  });

  it("closes harmlessly twice and refuses step and reset after close (EnvClosedError)", () => {
    const env = testRegistry().make("Counter-v0");
    env.reset({ seed: 0 });
    env.close();
    env.close();
    expect((env.unwrapped as CounterEnv).closeCount).toBe(1);
    const e = thrown(() => step(env, 0));
    expect(e).toBeInstanceOf(EnvClosedError);
    expect((e as EnvClosedError).precondition).toBe("ENV_CLOSED");
    expect(() => env.reset()).toThrow(EnvClosedError);
  });

  it("rejects invalid actions with InvalidActionError naming the element", () => {
    const env = createDefaultRegistry().make("CartPole-v1");
    env.reset({ seed: 0 });
    const e = thrown(() => step(env, 2)) as InvalidActionError;
    expect(e).toBeInstanceOf(InvalidActionError);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.field).toBe("action");
    expect(e.message).toBe("action: = 2 is outside [0, 1]");
    expect(() => step(env, 0.5)).toThrow(InvalidActionError);
    expect(() => step(env, "1")).toThrow(InvalidActionError);

    const boxEnv = testRegistry().make("BoxAction-v0");
    boxEnv.reset({ seed: 0 });
    const b = thrown(() => step(boxEnv, Float32Array.of(0, 1.5, 0))) as InvalidActionError;
    expect(b).toBeInstanceOf(InvalidActionError);
    expect(b.field).toBe("action[1]");
    expect(b.reason).toBe("= 1.5 is outside the bounds [-1, 1]");
    const d = thrown(() => step(boxEnv, Float64Array.of(0, 0, 0))) as InvalidActionError;
    expect(d.field).toBe("action");
    expect(d.reason).toBe("dtype float64 cannot be safely cast to float32");
  });

  it("does not count a rejected action against the time limit", () => {
    const env = createDefaultRegistry().make("CartPole-v1", { maxEpisodeSteps: 2 });
    env.reset({ seed: 0 });
    expect(() => step(env, 5)).toThrow(InvalidActionError);
    expect(step(env, 0).truncated).toBe(false);
    expect(step(env, 1).truncated).toBe(true);
  });

  it("passes the resolved config to the entry point", () => {
    const env = createDefaultRegistry().make("CartPole-v1", {
      config: { sutton_barto_reward: "true" },
    });
    env.reset({ seed: 0 });
    expect(step(env, 0).reward).toBe(0);
    const plain = createDefaultRegistry().make("CartPole-v1");
    plain.reset({ seed: 0 });
    expect(step(plain, 0).reward).toBe(1);
  });

  it("rejects unknown config keys with a suggestion", () => {
    const e = thrown(() =>
      createDefaultRegistry().make("CartPole-v1", { config: { sutton_barto_rewrd: true } }),
    );
    expect(e).toBeInstanceOf(InvalidConfigError);
    expect((e as InvalidConfigError).field).toBe("config.sutton_barto_rewrd");
    expect((e as Error).message).toMatch(/did you mean "sutton_barto_reward"\?/);
  });

  it("rejects an unsupported render_mode with InvalidArgumentError", () => {
    const e = thrown(() => createDefaultRegistry().make("CartPole-v1", { renderMode: "human" }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as InvalidArgumentError).field).toBe("render_mode");
    expect((e as Error).message).toBe(
      'render_mode: "human" is not supported by CartPole-v1 (supported: none)',
    );
    const m = thrown(() => testRegistry().make("Counter-v0", { renderMode: "human" })) as Error;
    expect(m.message).toMatch(/\(supported: rgb_array\)/);
    expect(() =>
      createDefaultRegistry().makeVec("CartPole-v1", 2, { renderMode: "rgb_array" }),
    ).toThrow(InvalidArgumentError);
  });

  it("passes a supported render_mode through and treats an empty one as none", () => {
    const contexts: EnvContext[] = [];
    const r = testRegistry(contexts);
    const env = r.make("Counter-v0", { renderMode: "rgb_array" });
    expect(contexts.at(-1)?.renderMode).toBe("rgb_array");
    expect(env.renderMode).toBe("rgb_array");
    r.make("Counter-v0", { renderMode: "" });
    expect(contexts.at(-1)?.renderMode).toBeUndefined();
    expect(
      createDefaultRegistry().make("CartPole-v1", { renderMode: "" }).renderMode,
    ).toBeUndefined();
  });
});

describe("Registry.makeVec", () => {
  it("rejects num_envs outside [1, MAX_NUM_ENVS]", () => {
    const registry = createDefaultRegistry();
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, MAX_NUM_ENVS + 1]) {
      const e = thrown(() => registry.makeVec("CartPole-v1", bad));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as InvalidArgumentError).field).toBe("num_envs");
      expect((e as Error).message).toBe(
        `num_envs: must be an integer in [1, ${MAX_NUM_ENVS}], got ${bad}`,
      );
    }
    expect(MAX_NUM_ENVS).toBe(65536);
  });

  it("accepts the bounds 1 and MAX_NUM_ENVS", () => {
    const registry = createDefaultRegistry();
    expect(registry.makeVec("CartPole-v1", 1).numEnvs).toBe(1);
    expect(registry.makeVec("CartPole-v1", MAX_NUM_ENVS).numEnvs).toBe(MAX_NUM_ENVS);
  });

  it("uses the native implementation when registered", () => {
    const v = createDefaultRegistry().makeVec("CartPole-v1", 3);
    expect(v).toBeInstanceOf(CartPoleVectorEnv);
    expect(v.observationSpace.shape).toEqual([3, 4]);
    expect(String(v.actionSpace)).toBe("MultiDiscrete([2 2 2])");
  });

  it("falls back to SyncVectorEnv of made (wrapped) envs", () => {
    const contexts: EnvContext[] = [];
    const v = testRegistry(contexts).makeVec("Counter-v0", 3, {
      config: { length: 4 },
      maxEpisodeSteps: 2,
    });
    expect(v).toBeInstanceOf(SyncVectorEnv);
    const sync = v as SyncVectorEnv;
    expect(sync.envs).toHaveLength(3);
    expect(contexts.map((c) => c.config.length)).toEqual([4, 4, 4]);
    for (const e of sync.envs) {
      expect(e).toBeInstanceOf(TimeLimit);
      expect((e as TimeLimit).maxEpisodeSteps).toBe(2);
    }
    expect(() => v.step(new BigInt64Array(3))).toThrow(ResetNeededError);
    v.reset({ seed: 0 });
    v.step(new BigInt64Array(3));
    const r = v.step(new BigInt64Array(3)) as { truncated: Uint8Array };
    expect(Array.from(r.truncated)).toEqual([1, 1, 1]);
  });

  it("passes the max_episode_steps override to the native implementation", () => {
    const v = createDefaultRegistry().makeVec("CartPole-v1", 2, { maxEpisodeSteps: 3 });
    v.reset({ seed: 0 });
    const actions = BigInt64Array.of(0n, 1n);
    const truncated: number[][] = [];
    for (let t = 0; t < 3; t++) {
      const r = v.step(actions) as { truncated: Uint8Array };
      truncated.push(Array.from(r.truncated));
    }
    expect(truncated).toEqual([
      [0, 0],
      [0, 0],
      [1, 1],
    ]);
  });

  it("validates the config for vectorized envs too", () => {
    expect(() =>
      createDefaultRegistry().makeVec("CartPole-v1", 2, { config: { bogus: 1 } }),
    ).toThrow(InvalidConfigError);
  });
});

describe("TypedArray observations of made envs", () => {
  it("are float32 and inside the observation space", () => {
    const env = createDefaultRegistry().make("CartPole-v1");
    const { observation } = env.reset({ seed: 3 }) as { observation: TypedArray };
    expect(observation).toBeInstanceOf(Float32Array);
    expect(env.observationSpace.contains(observation)).toBe(true);
  });
});
