import { describe, expect, it } from "vitest";
import type { TypedArray } from "../../envs/core/dtype.js";
import { type Env, mapMaybe, type StepResult } from "../../envs/core/env.js";
import { EnvClosedError, InvalidActionError, ResetNeededError } from "../../envs/core/errors.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { ActionChecker, checkAction } from "../../envs/core/wrappers/action-checker.js";
import { OrderEnforcing } from "../../envs/core/wrappers/order-enforcing.js";
import { TimeLimit } from "../../envs/core/wrappers/time-limit.js";
import { Wrapper } from "../../envs/core/wrappers/wrapper.js";
import { AsyncEnv, CounterEnv } from "./test-envs.js";

const stepSync = (env: Env<TypedArray, number>, action: number) =>
  env.step(action) as StepResult<TypedArray>;

describe("Wrapper", () => {
  it("forwards spaces, metadata, render mode, render and close through every layer", () => {
    const inner = new CounterEnv({ renderModes: ["ansi"], renderMode: "ansi" });
    const env = new Wrapper(new Wrapper(inner));
    expect(env.observationSpace).toBe(inner.observationSpace);
    expect(env.actionSpace).toBe(inner.actionSpace);
    expect(env.metadata.renderModes).toEqual(["ansi"]);
    expect(env.renderMode).toBe("ansi");
    expect(env.unwrapped).toBe(inner);
    env.reset({ seed: 1 });
    stepSync(env, 2);
    expect(env.render()).toBe("count=1");
    env.close();
    expect(inner.closeCount).toBe(1);
    expect(inner.calls).toEqual(["reset(1)", "step(2)"]);
  });

  it("passes reset arguments and results through unchanged", () => {
    const inner = new CounterEnv();
    const env = new Wrapper(inner);
    const r = env.reset({ seed: 42 }) as { observation: TypedArray; info: Record<string, unknown> };
    expect(r.info).toEqual({ seed: 42 });
    const again = new CounterEnv().reset({ seed: 42 });
    expect(Array.from(r.observation, Number)).toEqual(Array.from(again.observation, Number));
  });
});

describe("TimeLimit", () => {
  it("rejects a non-positive or fractional limit", () => {
    expect(() => new TimeLimit(new CounterEnv(), 0)).toThrow(TypeError);
    expect(() => new TimeLimit(new CounterEnv(), -3)).toThrow(TypeError);
    expect(() => new TimeLimit(new CounterEnv(), 2.5)).toThrow(TypeError);
  });

  it("sets truncated on exactly the max_episode_steps-th step, as Gymnasium does", () => {
    const env = new TimeLimit(new CounterEnv(), 3);
    env.reset({ seed: 0 });
    expect([1, 2, 3].map(() => stepSync(env, 0).truncated)).toEqual([false, false, true]);
  });

  it("keeps truncating if stepped past the limit without reset", () => {
    const env = new TimeLimit(new CounterEnv(), 2);
    env.reset({ seed: 0 });
    stepSync(env, 0);
    stepSync(env, 0);
    expect(stepSync(env, 0).truncated).toBe(true);
  });

  it("restarts the count on reset", () => {
    const env = new TimeLimit(new CounterEnv(), 2);
    env.reset({ seed: 0 });
    stepSync(env, 0);
    env.reset();
    expect(stepSync(env, 0).truncated).toBe(false);
    expect(stepSync(env, 0).truncated).toBe(true);
  });

  it("keeps terminated, reward, observation and info of the step that hits the limit", () => {
    const env = new TimeLimit(new CounterEnv({ length: 2 }), 2);
    env.reset({ seed: 0 });
    stepSync(env, 1);
    const r = stepSync(env, 2);
    expect(r.terminated).toBe(true);
    expect(r.truncated).toBe(true);
    expect(r.reward).toBe(2);
    expect(r.observation[0]).toBe(2);
    expect(r.info).toEqual({ count: 2, even: true });
  });

  it("passes through the inner env's own truncation", () => {
    const env = new TimeLimit(new CounterEnv({ truncateAt: 1 }), 10);
    env.reset({ seed: 0 });
    expect(stepSync(env, 0).truncated).toBe(true);
  });

  it("works with asynchronous envs", async () => {
    const env = new TimeLimit(new AsyncEnv(new CounterEnv()), 2);
    await env.reset({ seed: 0 });
    const first = env.step(0);
    expect(first).toBeInstanceOf(Promise);
    expect((await first).truncated).toBe(false);
    expect((await env.step(0)).truncated).toBe(true);
  });
});

describe("OrderEnforcing", () => {
  it("refuses step and render before reset", () => {
    const env = new OrderEnforcing(new CounterEnv());
    expect(env.hasBeenReset).toBe(false);
    expect(() => env.step(0)).toThrow(ResetNeededError);
    expect(() => env.step(0)).toThrow("cannot call step before reset: call reset first");
    expect(() => env.render()).toThrow(ResetNeededError);
    expect((env.unwrapped as CounterEnv).calls).toEqual([]);
    env.reset({ seed: 0 });
    expect(env.hasBeenReset).toBe(true);
    expect(stepSync(env, 1).reward).toBe(1);
    expect(env.render()).toBe("count=1");
  });

  it("closes the inner env once, however often it is closed", () => {
    const inner = new CounterEnv();
    const env = new OrderEnforcing(inner);
    env.close();
    env.close();
    expect(inner.closeCount).toBe(1);
  });

  it("refuses step, reset and render after close", () => {
    const env = new OrderEnforcing(new CounterEnv());
    env.reset({ seed: 0 });
    env.close();
    expect(() => env.step(0)).toThrow(EnvClosedError);
    expect(() => env.step(0)).toThrow("cannot call step on a closed env");
    expect(() => env.reset()).toThrow(EnvClosedError);
    expect(() => env.render()).toThrow(EnvClosedError);
  });

  it("counts an asynchronous reset only once it has resolved", async () => {
    const env = new OrderEnforcing(new AsyncEnv(new CounterEnv()));
    const pending = env.reset({ seed: 0 });
    expect(env.hasBeenReset).toBe(false);
    await pending;
    expect(env.hasBeenReset).toBe(true);
    expect((await env.step(2)).reward).toBe(2);
  });
});

describe("ActionChecker", () => {
  it("passes valid actions to the env unchanged", () => {
    const inner = new CounterEnv();
    const env = new ActionChecker(inner);
    env.reset({ seed: 0 });
    expect(stepSync(env, 2).reward).toBe(2);
    expect(inner.calls).toEqual(["reset(0)", "step(2)"]);
  });

  it("throws InvalidActionError before the env sees an invalid action", () => {
    const inner = new CounterEnv();
    const env = new ActionChecker(inner);
    env.reset({ seed: 0 });
    expect(() => stepSync(env, 3)).toThrow(InvalidActionError);
    expect(() => stepSync(env, -1)).toThrow("action: = -1 is outside [0, 2]");
    expect(inner.calls).toEqual(["reset(0)"]);
  });

  it("checkAction names the offending element under the given path", () => {
    const space = Dict.of([["pos", new Box(0, 1, [2, 3])]]);
    const pos = new Float32Array(6);
    expect(() => checkAction(space, { pos })).not.toThrow();
    pos[5] = 3;
    try {
      checkAction(space, { pos }, "obs");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidActionError);
      expect((e as InvalidActionError).field).toBe("obs.pos[1, 2]");
      expect((e as InvalidActionError).reason).toBe("= 3 is outside the bounds [0, 1]");
    }
    expect(() => checkAction(new Box(0, 1, [2]), Float32Array.of(0, 2))).toThrow(/^action\[1\]: /);
  });
});

describe("mapMaybe", () => {
  it("stays synchronous for plain values and chains promises", async () => {
    expect(mapMaybe(2, (v) => v * 3)).toBe(6);
    const p = mapMaybe(Promise.resolve(2), (v) => v * 3);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(6);
  });
});
