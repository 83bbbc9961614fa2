import { describe, expect, it } from "vitest";
import { MountainCarContinuousEnv } from "../../envs/classic-control/mountain-car-continuous.js";
import { InvalidArgumentError } from "../../envs/core/errors.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { expectBox, resetSync, rollout, stateOf, stepSync } from "./classic-control-helpers.js";

const registry = createDefaultRegistry();
const LOW = [-1.2000000476837158, -0.07000000029802322];
const HIGH = [0.6000000238418579, 0.07000000029802322];
const force = (a: number) => Float32Array.of(a);

describe("MountainCarContinuous-v0", () => {
  it("has Gymnasium's spaces", () => {
    const env = new MountainCarContinuousEnv();
    expectBox(env.observationSpace, LOW, HIGH, [2], "float32");
    expectBox(env.actionSpace, [-1], [1], [1], "float32");
  });

  it("is registered as Gymnasium registers it", () => {
    const spec = registry.spec("MountainCarContinuous-v0");
    expect(spec.maxEpisodeSteps).toBe(999);
    expect(spec.rewardThreshold).toBe(90.0);
    expect(spec.metadata).toEqual({ renderModes: [], renderFps: 30 });
    expect(spec.config.messageType).toBe("gymrpc.v1.envs.MountainCarContinuousConfig");
    expect(spec.config.fields.map((f) => [f.name, f.type, f.default])).toEqual([
      ["goal_velocity", "double", 0],
    ]);
  });

  it("replays identically from the same seed", () => {
    const a = rollout(registry.make("MountainCarContinuous-v0"), 7, 300);
    const b = rollout(registry.make("MountainCarContinuous-v0"), 7, 300);
    const c = rollout(registry.make("MountainCarContinuous-v0"), 8, 300);
    expect(a).toEqual(b);
    expect(a.steps).toHaveLength(300);
    expect(c.initial).not.toEqual(a.initial);
  });

  it("truncates after 999 steps", () => {
    const { steps } = rollout(registry.make("MountainCarContinuous-v0"), 3, 2000);
    expect(steps).toHaveLength(999);
    expect(steps.at(-1)?.truncated).toBe(true);
  });

  it("starts at rest in [-0.6, -0.4), or in options [low, high], with a float64 state", () => {
    const env = new MountainCarContinuousEnv();
    for (let seed = 0; seed < 50; seed++) {
      env.reset({ seed });
      expect(env.state[0]).toBeGreaterThanOrEqual(-0.6);
      expect(env.state[0]).toBeLessThan(-0.4);
      expect(env.state[1]).toBe(0);
      env.reset({ seed, options: { low: -0.2, high: 0.1 } });
      expect(env.state[0]).toBeGreaterThanOrEqual(-0.2);
      expect(env.state[0]).toBeLessThanOrEqual(0.1);
    }
    expect(env.stateDtype).toBe("float64");
    expect(() => env.reset({ options: { high: Number.NaN } })).toThrow(InvalidArgumentError);
  });

  it("holds the state in float32 after a step, as Gymnasium does", () => {
    const env = new MountainCarContinuousEnv();
    env.reset({ seed: 0 });
    const r = env.step(force(0.3));
    expect(env.stateDtype).toBe("float32");
    expect(Array.from(env.state).map(Math.fround)).toEqual(Array.from(env.state));
    expect(Array.from(r.observation as Float32Array)).toEqual(Array.from(env.state));
  });

  it("rewards 100 at the goal minus 0.1 a^2 on the raw action", () => {
    const env = new MountainCarContinuousEnv();
    env.reset({ seed: 0 });
    env.state.set([0.44, 0.05]);
    const goal = env.step(force(1));
    expect(goal.terminated).toBe(true);
    expect(goal.reward).toBe(100 - 0.1);
    env.reset({ seed: 0 });
    const a = Math.fround(0.3);
    const r = env.step(force(a));
    expect(r.terminated).toBe(false);
    expect(r.reward).toBe(0 - a * a * 0.1);
    // Out-of-range forces (only reachable unwrapped) are clipped in the dynamics, not in the cost.
    const clipped = new MountainCarContinuousEnv();
    const full = new MountainCarContinuousEnv();
    for (const e of [clipped, full]) e.reset({ seed: 1 });
    const rc = clipped.step(force(2));
    full.step(force(1));
    expect(Array.from(clipped.state)).toEqual(Array.from(full.state));
    expect(rc.reward).toBe(-(Math.fround(2) * 2 * 0.1));
  });

  it("stops dead against the left wall", () => {
    const env = new MountainCarContinuousEnv();
    env.reset({ seed: 0 });
    env.state.set([-1.19, -0.05]);
    env.step(force(-1));
    expect(env.state[0]).toBe(Math.fround(-1.2));
    expect(env.state[1]).toBe(0);
  });

  it("requires goal_velocity at the goal", () => {
    const env = registry.make("MountainCarContinuous-v0", { config: { goal_velocity: 0.06 } });
    resetSync(env, { seed: 0 });
    stateOf(env).set([0.44, 0.05]);
    expect(stepSync(env, force(1)).terminated).toBe(false);
  });
});
