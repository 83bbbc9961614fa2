import { describe, expect, it } from "vitest";
import type { Env } from "../../envs/core/env.js";
import { createRng, type Rng } from "../../envs/core/rng.js";
import type { DictSpaceValue } from "../../envs/core/spaces/dict.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { pickPlaceExpert, reachExpert } from "../../envs/robot/robot-experts.js";

const registry = createDefaultRegistry();
const EPISODES = 200;

type Policy = (o: DictSpaceValue, rng: Rng) => Float32Array;
const random: Policy = (_o, rng) => Float32Array.from({ length: 4 }, () => rng.uniform(-1, 1));

/** Fraction of `EPISODES` seeded episodes (TimeLimit 200) that end with info.success. */
function successRate(id: string, policy: Policy, config: Record<string, unknown> = {}): number {
  const env: Env = registry.make(id, { config });
  const rng = createRng(12345);
  let ok = 0;
  for (let ep = 0; ep < EPISODES; ep++) {
    let o = (env.reset({ seed: 1000 + ep }) as { observation: DictSpaceValue }).observation;
    for (;;) {
      const r = env.step(policy(o, rng)) as unknown as {
        observation: DictSpaceValue;
        terminated: boolean;
        truncated: boolean;
        info: { success: boolean };
      };
      o = r.observation;
      if (r.terminated || r.truncated) {
        if (r.info.success) ok++;
        expect(r.terminated).toBe(r.info.success);
        break;
      }
    }
  }
  return ok / EPISODES;
}

// Seed 002's acceptance figures, measured over 200 seeded episodes each.
describe("scripted experts (200 seeded episodes each)", () => {
  it("RobotReach-v0: the P-controller succeeds >= 95%, random actions <= 10%", () => {
    const expert = successRate("RobotReach-v0", reachExpert, { randomize: true });
    const rand = successRate("RobotReach-v0", random, { randomize: true });
    console.log(`RobotReach-v0 success: scripted ${expert}, random ${rand}`);
    expect(expert).toBeGreaterThanOrEqual(0.95);
    expect(rand).toBeLessThanOrEqual(0.1);
  });

  it("PickPlace-v0: the staged controller succeeds >= 80%, random actions <= 5%", () => {
    const expert = successRate("PickPlace-v0", pickPlaceExpert, { randomize: true });
    const rand = successRate("PickPlace-v0", random, { randomize: true });
    console.log(`PickPlace-v0 success: scripted ${expert}, random ${rand}`);
    expect(expert).toBeGreaterThanOrEqual(0.8);
    expect(rand).toBeLessThanOrEqual(0.05);
  });
});
