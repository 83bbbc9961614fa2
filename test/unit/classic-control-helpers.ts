import { expect } from "vitest";
import type { Env, ResetArgs, ResetResult, StepResult } from "../../envs/core/env.js";
import { createRng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";

/** Resets an env that is known to be synchronous. */
export function resetSync(env: Env, args?: ResetArgs): ResetResult {
  const r = env.reset(args);
  if (r instanceof Promise) throw new Error("expected a synchronous reset");
  return r;
}

/** Steps an env that is known to be synchronous. */
export function stepSync(env: Env, action: SpaceValue): StepResult {
  const r = env.step(action);
  if (r instanceof Promise) throw new Error("expected a synchronous step");
  return r;
}

/** One recorded step of a rollout (observations copied). */
export interface RolloutStep {
  readonly observation: number[];
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
}

/**
 * Resets with `seed` and plays `steps` actions sampled from a stream seeded
 * with `seed` too, stopping at the end of the episode; returns the initial
 * observation and every step.
 */
export function rollout(
  env: Env,
  seed: number,
  steps: number,
): { initial: number[]; steps: RolloutStep[] } {
  const initial = Array.from(resetSync(env, { seed }).observation as Float32Array);
  const rng = createRng(seed);
  const out: RolloutStep[] = [];
  for (let t = 0; t < steps; t++) {
    const r = stepSync(env, env.actionSpace.sample(rng));
    out.push({
      observation: Array.from(r.observation as Float32Array),
      reward: r.reward,
      terminated: r.terminated,
      truncated: r.truncated,
    });
    if (r.terminated || r.truncated) break;
  }
  return { initial, steps: out };
}

/** Asserts `space` is a Box with exactly these bounds, shape and dtype. */
export function expectBox(
  space: Space,
  low: readonly number[],
  high: readonly number[],
  shape: readonly number[],
  dtype: string,
): void {
  expect(space).toBeInstanceOf(Box);
  const box = space as Box;
  expect(box.dtype).toBe(dtype);
  expect(box.shape).toEqual(shape);
  expect(Array.from(box.low)).toEqual(low);
  expect(Array.from(box.high)).toEqual(high);
}

/** The physical state of an unwrapped classic-control env. */
export function stateOf(env: Env): Float64Array {
  return (env.unwrapped as unknown as { state: Float64Array }).state;
}
