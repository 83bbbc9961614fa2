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
}

/** Policy names the collector knows. */
export const POLICY_NAMES = ["zeros", "random", "expert"] as const;

/** Names an env's policies: zeros and random for every env, expert where a scripted one exists. */
export function policiesFor(envId: string): string[] {
  return EXPERTS[envId] ? [...POLICY_NAMES] : ["zeros", "random"];
}

/**
 * The named policy for an env's action space, mixed ε-greedily: with
 * probability ε a uniformly random action replaces the greedy one.
 * μ(a|s) = (1 - ε)·[a = greedy] + ε/|A| for Discrete actions (1/|A| for random).
 */
export function createPolicy(name: string, envId: string, space: Space, epsilon: number): Policy {
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
