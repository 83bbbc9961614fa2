import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { Env, StepResult } from "../../envs/core/env.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";

// Replays trajectories recorded from the real Gymnasium (scripts/make-parity-fixtures.py)
// against the TypeScript envs. No Python is needed: the fixtures are committed.

interface FixtureStep {
  /** float64 physical state before the step. */
  readonly s: number[];
  /** dtype numpy held the state in. */
  readonly sd: "float32" | "float64";
  readonly a: number | number[];
  readonly o: number[];
  readonly r: number;
  readonly term: boolean;
  readonly trunc: boolean;
}

interface FixtureEpisode {
  readonly seed: number;
  readonly config: Record<string, unknown>;
  readonly reset_options: Record<string, unknown> | null;
  readonly max_episode_steps: number | null;
  /** Stepped on env.unwrapped (no TimeLimit, no action check), for out-of-range actions. */
  readonly unwrapped: boolean;
  readonly steps: FixtureStep[];
}

interface Fixture {
  readonly env_id: string;
  readonly gymnasium_version: string;
  readonly max_episode_steps: number | null;
  readonly reward_threshold: number | null;
  readonly episodes: FixtureEpisode[];
}

/** What the tests reach into: the physical state every classic-control env exposes. */
interface Stateful {
  readonly state: Float64Array;
  stateDtype?: "float32" | "float64";
}

const ENV_IDS = [
  "CartPole-v1",
  "Pendulum-v1",
  "MountainCar-v0",
  "MountainCarContinuous-v0",
  "Acrobot-v1",
];

/** Observations are float32: allow a float32 rounding step around numpy's libm differences. */
const OBS_ABS = 1e-6;
const OBS_REL = 1e-6;
/** Rewards are float64; Pendulum's goes through numpy's powf for the torque term. */
const REWARD_TOL = 1e-8;
/** The float64 state itself, compared in end-to-end replays. */
const STATE_TOL = 1e-9;
/** End-to-end replays must agree at least this long (chaos may separate them later). */
const MIN_REPLAY_STEPS = 50;

const registry = createDefaultRegistry();

function loadFixture(id: string): Fixture {
  const url = new URL(`../fixtures/gymnasium/${id}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Fixture;
}

function makeEnv(id: string, ep: FixtureEpisode): Env {
  const env = registry.make(id, {
    config: ep.config,
    maxEpisodeSteps: ep.max_episode_steps ?? undefined,
  });
  env.reset({ seed: ep.seed, options: ep.reset_options ?? undefined });
  return ep.unwrapped ? env.unwrapped : env;
}

function setState(env: Env, step: FixtureStep): void {
  const u = env.unwrapped as unknown as Stateful;
  u.state.set(step.s);
  if ("stateDtype" in u) u.stateDtype = step.sd;
}

function stepSync(env: Env, a: number | number[]): StepResult {
  const result = env.step(typeof a === "number" ? a : Float32Array.from(a));
  if (result instanceof Promise) throw new Error("classic-control envs step synchronously");
  return result;
}

/** Largest |ts - gym| over the observation, or Infinity when out of tolerance. */
function obsError(
  obs: unknown,
  expected: readonly number[],
): { err: number; ok: boolean; exact: boolean } {
  const got = obs as Float32Array;
  let err = 0;
  let ok = got.length === expected.length;
  let exact = ok;
  for (let i = 0; i < expected.length; i++) {
    const want = Math.fround(expected[i]!);
    const d = Math.abs(got[i]! - want);
    err = Math.max(err, d);
    if (!(d <= OBS_ABS + OBS_REL * Math.abs(want))) ok = false;
    if (got[i] !== want) exact = false;
  }
  return { err, ok, exact };
}

/** Largest |ts - gym| over the physical state (exactness is reported, tolerance asserted). */
function stateError(env: Env, expected: readonly number[]): { err: number; ok: boolean } {
  const got = (env.unwrapped as unknown as Stateful).state;
  let err = 0;
  let ok = got.length === expected.length;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i]! - expected[i]!);
    err = Math.max(err, d);
    if (!(d <= STATE_TOL * Math.max(1, Math.abs(expected[i]!)))) ok = false;
  }
  return { err, ok };
}

function rewardOk(got: number, want: number): boolean {
  return Math.abs(got - want) <= REWARD_TOL * Math.max(1, Math.abs(want));
}

interface Stats {
  steps: number;
  exactObs: number;
  exactReward: number;
  maxObsErr: number;
  maxRewardErr: number;
  maxStateErr: number;
  replayed: string[];
}

const stats = new Map<string, Stats>();

afterAll(() => {
  if (!process.env.PARITY_REPORT) return;
  for (const [id, s] of stats) {
    console.info(
      `${id}: ${s.steps} steps, obs exact ${s.exactObs}, reward exact ${s.exactReward}, ` +
        `max |obs err| ${s.maxObsErr.toExponential(2)}, max |reward err| ${s.maxRewardErr.toExponential(2)}, ` +
        `max |state err| ${s.maxStateErr.toExponential(2)} (replays), ` +
        `end-to-end matched ${s.replayed.join(", ")}`,
    );
  }
});

describe.each(ENV_IDS)("Gymnasium parity: %s", (id) => {
  const fixture = loadFixture(id);
  const st: Stats = {
    steps: 0,
    exactObs: 0,
    exactReward: 0,
    maxObsErr: 0,
    maxRewardErr: 0,
    maxStateErr: 0,
    replayed: [],
  };
  stats.set(id, st);

  it("was recorded from Gymnasium 1.x and registers the same limits", () => {
    expect(fixture.env_id).toBe(id);
    expect(fixture.gymnasium_version).toMatch(/^1\./);
    const spec = registry.spec(id);
    expect(spec.maxEpisodeSteps).toBe(fixture.max_episode_steps ?? undefined);
    expect(spec.rewardThreshold).toBe(fixture.reward_threshold ?? undefined);
  });

  it.each(fixture.episodes.map((ep, i) => [i, ep] as const))(
    "episode %i matches step by step from the recorded states",
    (_i, ep) => {
      const env = makeEnv(id, ep);
      ep.steps.forEach((step, t) => {
        setState(env, step);
        const r = stepSync(env, step.a);
        const where = `step ${t}`;
        const { err, ok, exact } = obsError(r.observation, step.o);
        st.steps += 1;
        st.maxObsErr = Math.max(st.maxObsErr, err);
        st.maxRewardErr = Math.max(st.maxRewardErr, Math.abs(r.reward - step.r));
        if (exact) st.exactObs += 1;
        if (r.reward === step.r) st.exactReward += 1;
        expect(
          ok,
          `${where}: observation ${Array.from(r.observation as Float32Array)} vs ${step.o}`,
        ).toBe(true);
        expect(rewardOk(r.reward, step.r), `${where}: reward ${r.reward} vs ${step.r}`).toBe(true);
        expect(r.terminated, `${where}: terminated`).toBe(step.term);
        expect(r.truncated, `${where}: truncated`).toBe(step.trunc);
      });
    },
  );

  it.each(fixture.episodes.map((ep, i) => [i, ep] as const))(
    "episode %i replays end to end from its initial state",
    (_i, ep) => {
      const env = makeEnv(id, ep);
      const first = ep.steps[0]!;
      setState(env, first);
      let matched = 0;
      for (const [t, step] of ep.steps.entries()) {
        const r = stepSync(env, step.a);
        const next = ep.steps[t + 1];
        const state = next ? stateError(env, next.s) : { err: 0, ok: true };
        const same =
          obsError(r.observation, step.o).ok &&
          state.ok &&
          rewardOk(r.reward, step.r) &&
          r.terminated === step.term &&
          r.truncated === step.trunc;
        if (!same) break;
        st.maxStateErr = Math.max(st.maxStateErr, state.err);
        matched += 1;
      }
      st.replayed.push(`${matched}/${ep.steps.length}`);
      expect(matched).toBeGreaterThanOrEqual(Math.min(MIN_REPLAY_STEPS, ep.steps.length));
    },
  );
});
