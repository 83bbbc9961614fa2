import { describe, expect, it } from "vitest";
import { AcrobotEnv } from "../../envs/classic-control/acrobot.js";
import { acrobotTerminal, bound, wrap } from "../../envs/classic-control/acrobot-dynamics.js";
import { rk4 } from "../../envs/classic-control/rk4.js";
import {
  InvalidActionError,
  InvalidArgumentError,
  InvalidConfigError,
} from "../../envs/core/errors.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { expectBox, rollout } from "./classic-control-helpers.js";

const registry = createDefaultRegistry();
// Gymnasium's bounds, as float32 values: 4 pi and 9 pi rounded to float32.
const HIGH = [1, 1, 1, 1, 12.566370964050293, 28.274333953857422];

describe("Acrobot-v1", () => {
  it("has Gymnasium's spaces", () => {
    const env = new AcrobotEnv();
    expectBox(
      env.observationSpace,
      HIGH.map((h) => -h),
      HIGH,
      [6],
      "float32",
    );
    expect(env.actionSpace).toBeInstanceOf(Discrete);
    expect((env.actionSpace as Discrete).n).toBe(3);
  });

  it("is registered as Gymnasium registers it", () => {
    const spec = registry.spec("Acrobot-v1");
    expect(spec.maxEpisodeSteps).toBe(500);
    expect(spec.rewardThreshold).toBe(-100.0);
    expect(spec.metadata).toEqual({ renderModes: [], renderFps: 15 });
    expect(spec.config.messageType).toBe("gymrpc.v1.envs.AcrobotConfig");
    expect(spec.config.fields.map((f) => [f.name, f.type, f.default])).toEqual([
      ["torque_noise_max", "double", 0.0],
    ]);
    expect(() => registry.make("Acrobot-v1", { config: { torque_noise_max: -1 } })).toThrow(
      InvalidConfigError,
    );
  });

  it("replays identically from the same seed, with and without torque noise", () => {
    const plain = rollout(registry.make("Acrobot-v1"), 7, 100);
    expect(rollout(registry.make("Acrobot-v1"), 7, 100)).toEqual(plain);
    expect(rollout(registry.make("Acrobot-v1"), 8, 100).initial).not.toEqual(plain.initial);
    const cfg = { config: { torque_noise_max: 0.2 } };
    const noisy = rollout(registry.make("Acrobot-v1", cfg), 7, 100);
    expect(rollout(registry.make("Acrobot-v1", cfg), 7, 100)).toEqual(noisy);
    expect(noisy.initial).toEqual(plain.initial);
    expect(noisy.steps).not.toEqual(plain.steps);
  });

  it("truncates after 500 steps with -1 per step until the tip is above the bar", () => {
    const env = registry.make("Acrobot-v1");
    const { steps } = rollout(env, 0, 1000);
    const last = steps.at(-1)!;
    expect(last.terminated || last.truncated).toBe(true);
    if (last.truncated) expect(steps).toHaveLength(500);
    for (const s of steps.slice(0, -1)) expect(s.reward).toBe(-1);
    expect(last.reward).toBe(last.terminated ? 0 : -1);
    for (const s of steps)
      expect(env.observationSpace.contains(Float32Array.from(s.observation))).toBe(true);
  });

  it("starts in [-0.1, 0.1) rounded to float32, or in options [low, high]", () => {
    const env = new AcrobotEnv();
    for (let seed = 0; seed < 30; seed++) {
      env.reset({ seed });
      for (const v of env.state) {
        expect(Math.abs(v)).toBeLessThanOrEqual(0.1);
        expect(Math.fround(v)).toBe(v);
      }
      env.reset({ seed, options: { low: 0.2, high: 0.3 } });
      for (const v of env.state) {
        expect(v).toBeGreaterThanOrEqual(Math.fround(0.2));
        expect(v).toBeLessThanOrEqual(Math.fround(0.3));
      }
    }
    expect(() => env.reset({ options: { low: 1, high: 0 } })).toThrow(InvalidArgumentError);
  });

  it("terminates when the tip rises more than a link above the pivot", () => {
    expect(acrobotTerminal(Float64Array.of(Math.PI, 0, 0, 0))).toBe(true);
    expect(acrobotTerminal(Float64Array.of(0, 0, 0, 0))).toBe(false);
    const env = new AcrobotEnv();
    env.reset({ seed: 0 });
    env.state.set([Math.PI, 0, 0, 0]);
    const r = env.step(1);
    expect(r.terminated).toBe(true);
    expect(r.reward).toBe(0);
  });

  it("rejects actions outside Discrete(3) even unwrapped", () => {
    const env = new AcrobotEnv();
    env.reset({ seed: 0 });
    expect(() => env.step(3)).toThrow(InvalidActionError);
    expect(() => env.step(-1)).toThrow(InvalidActionError);
  });

  it("keeps the angles in [-pi, pi] and the speeds within their limits", () => {
    const env = new AcrobotEnv();
    env.reset({ seed: 0 });
    env.state.set([3.1, -3.1, 4 * Math.PI, -9 * Math.PI]);
    env.step(2);
    expect(Math.abs(env.state[0]!)).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(env.state[1]!)).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(env.state[2]!)).toBeLessThanOrEqual(4 * Math.PI);
    expect(Math.abs(env.state[3]!)).toBeLessThanOrEqual(9 * Math.PI);
  });

  it("wraps and bounds as Gymnasium's helpers, without hanging on huge values", () => {
    expect(wrap(4, -Math.PI, Math.PI)).toBe(4 - 2 * Math.PI);
    expect(wrap(-4, -Math.PI, Math.PI)).toBe(-4 + 2 * Math.PI);
    expect(wrap(1, -Math.PI, Math.PI)).toBe(1);
    const huge = wrap(1e300, -Math.PI, Math.PI);
    expect(Math.abs(huge)).toBeLessThanOrEqual(Math.PI);
    expect(wrap(Number.POSITIVE_INFINITY, -Math.PI, Math.PI)).toBeNaN();
    expect(bound(5, -1, 1)).toBe(1);
    expect(bound(-5, -1, 1)).toBe(-1);
    expect(bound(0.5, -1, 1)).toBe(0.5);
    expect(bound(Number.NaN, -1, 1)).toBeNaN();
  });

  it("integrates with 4th-order Runge-Kutta", () => {
    // y' = y from 1 over [0, 1] in 10 steps: e within RK4's error.
    const t = Array.from({ length: 11 }, (_, i) => i / 10);
    const y = rk4((s, out) => out.set(s), Float64Array.of(1), t);
    expect(Math.abs(y[0]! - Math.E)).toBeLessThan(3e-6);
  });
});
