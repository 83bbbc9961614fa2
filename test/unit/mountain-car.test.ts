import { describe, expect, it } from "vitest";
import { MountainCarEnv } from "../../envs/classic-control/mountain-car.js";
import { InvalidActionError, InvalidArgumentError } from "../../envs/core/errors.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { expectBox, resetSync, rollout, stateOf, stepSync } from "./classic-control-helpers.js";

const registry = createDefaultRegistry();
// Gymnasium's bounds, as float32 values.
const LOW = [-1.2000000476837158, -0.07000000029802322];
const HIGH = [0.6000000238418579, 0.07000000029802322];

describe("MountainCar-v0", () => {
  it("has Gymnasium's spaces", () => {
    const env = new MountainCarEnv();
    expectBox(env.observationSpace, LOW, HIGH, [2], "float32");
    expect(env.actionSpace).toBeInstanceOf(Discrete);
    expect((env.actionSpace as Discrete).n).toBe(3);
    expect(env.actionSpace.dtype).toBe("int64");
  });

  it("is registered as Gymnasium registers it", () => {
    const spec = registry.spec("MountainCar-v0");
    expect(spec.maxEpisodeSteps).toBe(200);
    expect(spec.rewardThreshold).toBe(-110.0);
    expect(spec.metadata).toEqual({ renderModes: [], renderFps: 30 });
    expect(spec.config.messageType).toBe("gymrpc.v1.envs.MountainCarConfig");
    expect(spec.config.fields.map((f) => [f.name, f.type, f.default])).toEqual([
      ["goal_velocity", "double", 0],
    ]);
  });

  it("replays identically from the same seed", () => {
    const a = rollout(registry.make("MountainCar-v0"), 7, 200);
    const b = rollout(registry.make("MountainCar-v0"), 7, 200);
    const c = rollout(registry.make("MountainCar-v0"), 8, 200);
    expect(a).toEqual(b);
    expect(c.initial).not.toEqual(a.initial);
    // Random actions never reach the goal: the episode is truncated at 200 steps with -1 per step.
    expect(a.steps).toHaveLength(200);
    expect(a.steps.at(-1)?.truncated).toBe(true);
    expect(a.steps.every((s) => s.reward === -1)).toBe(true);
  });

  it("starts at rest in [-0.6, -0.4), or in options [low, high]", () => {
    const env = new MountainCarEnv();
    for (let seed = 0; seed < 50; seed++) {
      const r = env.reset({ seed });
      expect(env.state[0]).toBeGreaterThanOrEqual(-0.6);
      expect(env.state[0]).toBeLessThan(-0.4);
      expect(env.state[1]).toBe(0);
      expect(Array.from(r.observation as Float32Array)).toEqual([Math.fround(env.state[0]!), 0]);
      env.reset({ seed, options: { low: -1.0, high: -0.9 } });
      expect(env.state[0]).toBeGreaterThanOrEqual(-1.0);
      expect(env.state[0]).toBeLessThanOrEqual(-0.9);
    }
    env.reset({ options: { low: 0.1, high: 0.1 } });
    expect(env.state[0]).toBe(0.1);
    expect(() => env.reset({ options: { low: 0, high: -1 } })).toThrow(InvalidArgumentError);
  });

  it("stops dead against the left wall and clips the speed", () => {
    const env = new MountainCarEnv();
    env.reset({ seed: 0 });
    env.state.set([-1.19, -0.05]);
    env.step(0);
    expect(Array.from(env.state)).toEqual([-1.2, 0]);
    env.state.set([-0.5, 0.0699]);
    env.step(2);
    expect(env.state[1]).toBe(0.07);
  });

  it("rejects actions outside Discrete(3) even unwrapped, as Gymnasium asserts", () => {
    const env = new MountainCarEnv();
    env.reset({ seed: 0 });
    expect(() => env.step(3)).toThrow(InvalidActionError);
  });

  it("terminates at the goal, at goal_velocity or faster", () => {
    const env = registry.make("MountainCar-v0");
    resetSync(env, { seed: 0 });
    stateOf(env).set([0.49, 0.03]);
    const r = stepSync(env, 2);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(-1);
    const picky = registry.make("MountainCar-v0", { config: { goal_velocity: 0.05 } });
    resetSync(picky, { seed: 0 });
    stateOf(picky).set([0.49, 0.03]);
    expect(stepSync(picky, 2).terminated).toBe(false);
  });
});
