import { allocate } from "../../envs/core/dtype.js";
import type { Rng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import type { Space, SpaceValue } from "../../envs/core/spaces/space.js";
import { EXPERTS } from "./experts.js";

/** One decision of a behavior policy, with what the recorder logs about it (seed 004). */
export interface Decision {
  readonly action: SpaceValue;
  readonly greedyAction: SpaceValue;
  readonly wasExploratory: boolean;
  /** μ(a|s) of the taken action; NaN where it is not a probability (continuous actions). */
  readonly behaviorProb: number;
}

/** A behavior policy: decides from an observation with a per-episode RNG. */
export interface Policy {
  readonly name: string;
  decide(observation: SpaceValue, rng: Rng): Decision;
  /**
   * The same decision for sub-env i of a batch of n observations, read in
   * place (policies that need a few entries skip building the whole item).
   */
  decideAt?(batch: SpaceValue, i: number, n: number, rng: Rng): Decision;
}

/** Policy names the collector knows. */
export const POLICY_NAMES = ["zeros", "random", "expert"] as const;

/** Envs whose actions pick one of k paths under an action mask, with their policies (seed 001). */
export const MASKED_POLICIES: Readonly<Record<string, readonly string[]>> = {
  "OpticalRouting-v0": ["ksp-ff", "random"],
};

/** Names an env's policies: zeros and random for every env, expert where a scripted one exists. */
export function policiesFor(envId: string): string[] {
  const masked = MASKED_POLICIES[envId];
  if (masked) return [...masked];
  return EXPERTS[envId] ? [...POLICY_NAMES] : ["zeros", "random"];
}

/** The action mask of a masked env's observation: its action_mask entry, or the first k values of the flat layout. */
export function actionMaskOf(observation: SpaceValue, k: number): boolean[] {
  const m = isDictValue(observation)
    ? (observation as Record<string, SpaceValue>).action_mask
    : observation;
  if (!ArrayBuffer.isView(m)) throw new Error("the observation has no action_mask");
  return Array.from({ length: k }, (_, i) => Number((m as Float32Array)[i]) === 1);
}

/**
 * Seed 001's epsilon-mix around KSP-FF: the first feasible path, or with
 * probability ε the second feasible one (when there are two). μ(a|s) is 1 - ε
 * and ε, or 1 with a single feasible path; with none, path 0 (blocked), μ = 1.
 * `u` is a uniform draw in [0, 1).
 */
export function epsilonMix(mask: readonly boolean[], epsilon: number, u: number): Decision {
  const feasible = mask.flatMap((m, i) => (m ? [i] : []));
  return epsilonMixOf(feasible, feasible.length, epsilon, u);
}

/** Uniform over the feasible paths (μ = 1/#feasible); path 0 with μ = 1 when none is feasible. */
export function randomFeasible(mask: readonly boolean[], u: number): Decision {
  const feasible = mask.flatMap((m, i) => (m ? [i] : []));
  return randomOf(feasible, feasible.length, u);
}

// epsilonMix over the first `count` entries of the feasible paths' indices.
function epsilonMixOf(
  feasible: ArrayLike<number>,
  count: number,
  epsilon: number,
  u: number,
): Decision {
  const first = count > 0 ? feasible[0]! : 0;
  if (count < 2) {
    return { action: first, greedyAction: first, wasExploratory: false, behaviorProb: 1 };
  }
  const second = feasible[1]!;
  const explore = u < epsilon;
  return {
    action: explore ? second : first,
    greedyAction: first,
    wasExploratory: explore,
    behaviorProb: explore ? epsilon : 1 - epsilon,
  };
}

// randomFeasible over the first `count` entries of the feasible paths' indices.
function randomOf(feasible: ArrayLike<number>, count: number, u: number): Decision {
  if (count === 0) return { action: 0, greedyAction: 0, wasExploratory: false, behaviorProb: 1 };
  const a = feasible[Math.min(count - 1, Math.floor(u * count))]!;
  return { action: a, greedyAction: a, wasExploratory: false, behaviorProb: 1 / count };
}

// A masked env's policy; for these envs `epsilon` is the epsilon-mix probability.
function maskedPolicy(name: string, envId: string, space: Space, epsilon: number): Policy {
  if (!MASKED_POLICIES[envId]!.includes(name)) throw new Error(`${envId} has no "${name}" policy`);
  if (!(space instanceof Discrete)) throw new Error(`${envId} needs a Discrete action space`);
  const k = space.n;
  const feasible = new Int32Array(k);
  // Indices of the feasible paths from k mask entries at `at`, then the decision (one RNG draw as decide makes).
  const fromMask = (m: ArrayLike<number>, at: number, rng: Rng): Decision => {
    let count = 0;
    for (let j = 0; j < k; j++) if (Number(m[at + j]) === 1) feasible[count++] = j;
    if (name === "random") return randomOf(feasible, count, rng.random());
    return epsilonMixOf(feasible, count, epsilon, epsilon > 0 ? rng.random() : 1);
  };
  return {
    name,
    decide(observation, rng) {
      const mask = actionMaskOf(observation, k);
      if (name === "random") return randomFeasible(mask, rng.random());
      return epsilonMix(mask, epsilon, epsilon > 0 ? rng.random() : 1);
    },
    decideAt(batch, i, n, rng) {
      // A Dict batch holds action_mask as (n, k); the flat layout starts each row with the mask.
      const m = isDictValue(batch) ? (batch as Record<string, SpaceValue>).action_mask : batch;
      if (!ArrayBuffer.isView(m)) throw new Error("the observation has no action_mask");
      const arr = m as unknown as ArrayLike<number>;
      const row = arr.length / n;
      return fromMask(arr, i * row, rng);
    },
  };
}

const isDictValue = (v: SpaceValue): boolean =>
  typeof v === "object" && !ArrayBuffer.isView(v) && !Array.isArray(v);

/**
 * The named policy for an env's action space, mixed ε-greedily: with
 * probability ε a uniformly random action replaces the greedy one.
 * μ(a|s) = (1 - ε)·[a = greedy] + ε/|A| for Discrete actions (1/|A| for random).
 * Masked envs (MASKED_POLICIES) take ksp-ff with seed 001's epsilon-mix, or random over feasible paths.
 */
export function createPolicy(name: string, envId: string, space: Space, epsilon: number): Policy {
  if (MASKED_POLICIES[envId]) return maskedPolicy(name, envId, space, epsilon);
  const greedy = greedyFor(name, envId, space);
  const n = space instanceof Discrete ? space.n : undefined;
  return {
    name,
    decide(observation, rng) {
      const g = greedy(observation, rng);
      const explore = epsilon > 0 && rng.random() < epsilon;
      const action = explore ? space.sample(rng) : g;
      let behaviorProb = Number.NaN;
      if (n !== undefined) {
        if (name === "random") behaviorProb = 1 / n;
        else behaviorProb = (1 - epsilon) * (action === g ? 1 : 0) + epsilon / n;
      }
      return { action, greedyAction: g, wasExploratory: explore, behaviorProb };
    },
  };
}

function greedyFor(
  name: string,
  envId: string,
  space: Space,
): (o: SpaceValue, rng: Rng) => SpaceValue {
  switch (name) {
    case "zeros":
      return () => zeros(space);
    case "random":
      return (_o, rng) => space.sample(rng);
    case "expert": {
      const expert = EXPERTS[envId];
      if (!expert) throw new Error(`${envId} has no scripted expert`);
      return (o) => expert(o as Float32Array);
    }
    default:
      throw new Error(`unknown policy "${name}"`);
  }
}

/** The all-zeros action (clipped into the space's bounds; Discrete: its first action). */
function zeros(space: Space): SpaceValue {
  if (space instanceof Discrete) return space.start;
  if (space instanceof Box) {
    const out = allocate(space.dtype, space.size);
    for (let i = 0; i < space.size; i++) {
      const v = Math.min(Math.max(0, space.low[i]!), space.high[i]!);
      if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(v);
      else out[i] = v;
    }
    return out;
  }
  throw new Error(`the zeros policy needs a Box or Discrete action space, not ${space}`);
}
