import { describe, expect, it } from "vitest";
import { PendulumEnv } from "../../envs/classic-control/pendulum.js";
import { angleNormalize } from "../../envs/classic-control/pendulum-dynamics.js";
import { InvalidArgumentError } from "../../envs/core/errors.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { expectBox, resetSync, rollout, stateOf, stepSync } from "./classic-control-helpers.js";

const registry = createDefaultRegistry();
const torque = (u: number) => Float32Array.of(u);

describe("Pendulum-v1", () => {
  it("has Gymnasium's spaces", () => {
    const env = new PendulumEnv();
    expectBox(env.observationSpace, [-1, -1, -8], [1, 1, 8], [3], "float32");
    expectBox(env.actionSpace, [-2], [2], [1], "float32");
  });

  it("is registered as Gymnasium registers it", () => {
    const spec = registry.spec("Pendulum-v1");
    expect(spec.maxEpisodeSteps).toBe(200);
    expect(spec.rewardThreshold).toBeUndefined();
    expect(spec.metadata).toEqual({ renderModes: [], renderFps: 30 });
    expect(spec.config.messageType).toBe("gymrpc.v1.envs.PendulumConfig");
    expect(spec.config.fields.map((f) => [f.name, f.type, f.default])).toEqual([
      ["g", "double", 10.0],
    ]);
  });

  it("replays identically from the same seed", () => {
    const a = rollout(registry.make("Pendulum-v1"), 7, 50);
    const b = rollout(registry.make("Pendulum-v1"), 7, 50);
    const c = rollout(registry.make("Pendulum-v1"), 8, 50);
    expect(a).toEqual(b);
    expect(a.steps).toHaveLength(50);
    expect(c.initial).not.toEqual(a.initial);
  });

  it("truncates after 200 steps and never terminates", () => {
    const env = registry.make("Pendulum-v1");
    const { steps } = rollout(env, 1, 500);
    expect(steps).toHaveLength(200);
    expect(steps.at(-1)?.truncated).toBe(true);
    expect(steps.some((s) => s.terminated)).toBe(false);
    for (const s of steps)
      expect(env.observationSpace.contains(Float32Array.from(s.observation))).toBe(true);
  });

  it("samples theta in [-pi, pi] and theta_dot in [-1, 1], or in [-x_init, x_init] x [-y_init, y_init]", () => {
    const env = new PendulumEnv();
    for (let seed = 0; seed < 50; seed++) {
      env.reset({ seed });
      expect(Math.abs(env.state[0]!)).toBeLessThanOrEqual(Math.PI);
      expect(Math.abs(env.state[1]!)).toBeLessThanOrEqual(1);
      env.reset({ seed, options: { x_init: 0.25, y_init: 0.1 } });
      expect(Math.abs(env.state[0]!)).toBeLessThanOrEqual(0.25);
      expect(Math.abs(env.state[1]!)).toBeLessThanOrEqual(0.1);
    }
    const r = env.reset({ seed: 3, options: { x_init: 0, y_init: 0 } });
    expect(Array.from(r.observation as Float32Array)).toEqual([1, 0, 0]);
    expect(() => env.reset({ options: { x_init: "wide" } })).toThrow(InvalidArgumentError);
  });

  it("rewards -(theta^2 + 0.1 theta_dot^2 + 0.001 u^2) with theta normalized and u^2 in float32", () => {
    const env = new PendulumEnv();
    resetSync(env, { seed: 0 });
    env.state.set([Math.PI, 0]);
    const r = stepSync(env, torque(2));
    const u2 = Math.fround(Math.fround(0.001) * 4);
    expect(r.reward).toBe(-(Math.PI * Math.PI + u2));
    env.state.set([0, 0]);
    const upright = stepSync(env, torque(0));
    expect(upright.reward === 0).toBe(true);
    expect(Array.from(upright.observation as Float32Array)).toEqual([1, 0, 0]);
  });

  it("clips the speed at 8 and the torque at 2 (on the unwrapped env)", () => {
    const env = new PendulumEnv();
    env.reset({ seed: 0 });
    env.state.set([0, 8]);
    env.step(torque(2));
    expect(env.state[1]).toBe(8);
    expect(env.state[0]).toBe(8 * 0.05);
    const a = new PendulumEnv();
    const b = new PendulumEnv();
    for (const e of [a, b]) {
      e.reset({ seed: 0 });
      e.state.set([0.3, -0.2]);
    }
    const ra = a.step(torque(5));
    const rb = b.step(torque(2));
    expect(Array.from(a.state)).toEqual(Array.from(b.state));
    expect(ra.reward).toBe(rb.reward);
  });

  it("takes g from the config", () => {
    const env = registry.make("Pendulum-v1", { config: { g: 0 } });
    resetSync(env, { seed: 0 });
    stateOf(env).set([1, 0]);
    stepSync(env, torque(0));
    expect(Array.from(stateOf(env))).toEqual([1, 0]);
  });

  it("normalizes angles into [-pi, pi) with a floored modulo", () => {
    expect(angleNormalize(0.5)).toBeCloseTo(0.5, 15);
    expect(angleNormalize(-0.5)).toBeCloseTo(-0.5, 15);
    expect(angleNormalize(2 * Math.PI + 0.5)).toBeCloseTo(0.5, 14);
    expect(angleNormalize(-2 * Math.PI - 0.5)).toBeCloseTo(-0.5, 14);
    expect(angleNormalize(Math.PI)).toBe(-Math.PI);
  });
});
