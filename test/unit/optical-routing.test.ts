import { describe, expect, it } from "vitest";
import { createPolicy, epsilonMix, randomFeasible } from "../../client/collect/policies.js";
import { resolveConfig } from "../../envs/core/config.js";
import type { Info } from "../../envs/core/env.js";
import { createRng } from "../../envs/core/rng.js";
import type { Dict, DictSpaceValue } from "../../envs/core/spaces/dict.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import type { Tuple } from "../../envs/core/spaces/tuple.js";
import { batchItem, createBatch, writeBatchItem } from "../../envs/core/vector/batching.js";
import { OPTICAL_OBS_KEYS, OPTICAL_PATH_KEYS } from "../../envs/optical/optical-observation.js";
import {
  OpticalRoutingEnv,
  type OpticalRoutingOptions,
} from "../../envs/optical/optical-routing.js";
import {
  opticalOptionsFromConfig,
  opticalRoutingRegistration,
} from "../../envs/optical/optical-routing-registration.js";
import { SpectrumGrid } from "../../envs/optical/spectrum.js";
import {
  COST239,
  kShortestPaths,
  NSFNET,
  type OpticalTopology,
} from "../../envs/optical/topology.js";

function options(config: Record<string, unknown> = {}): OpticalRoutingOptions {
  return opticalOptionsFromConfig(resolveConfig(opticalRoutingRegistration.config, config));
}

const maskOf = (o: DictSpaceValue) => Array.from(o.action_mask as Int8Array, (m) => m === 1);
/** One per-path feature of the Dict observation, for every path. */
const perPath = (o: DictSpaceValue, key: string) =>
  (o.paths as DictSpaceValue[]).map((p) => (p[key] as Float32Array)[0]!);
const kspFf = (o: DictSpaceValue) => Math.max(0, maskOf(o).indexOf(true));

/** Runs one episode with KSP-FF and returns the final info. */
function runEpisode(env: OpticalRoutingEnv, seed: number): Info {
  let obs = env.reset({ seed }).observation as DictSpaceValue;
  for (;;) {
    const r = env.step(kspFf(obs));
    obs = r.observation as DictSpaceValue;
    if (r.truncated) return r.info;
  }
}

describe("optical topology and spectrum", () => {
  it("has NSFNET 14/21 and COST239 11/26, and k shortest loopless paths sorted by length", () => {
    expect([NSFNET.numNodes, NSFNET.links.length]).toEqual([14, 21]);
    expect([COST239.numNodes, COST239.links.length]).toEqual([11, 26]);
    for (const [s, d] of [
      [0, 13],
      [3, 9],
      [6, 1],
    ] as const) {
      const paths = kShortestPaths(NSFNET, s, d, 4);
      expect(paths).toHaveLength(4);
      expect(new Set(paths.map((p) => p.nodes.join(","))).size).toBe(4);
      for (let i = 1; i < 4; i++) expect(paths[i]!.km).toBeGreaterThanOrEqual(paths[i - 1]!.km);
      for (const p of paths) {
        expect(p.nodes[0]).toBe(s);
        expect(p.nodes.at(-1)).toBe(d);
        expect(new Set(p.nodes).size).toBe(p.nodes.length);
        expect(p.links).toHaveLength(p.nodes.length - 1);
      }
    }
  });

  it("first fit takes the lowest block free on every link of the path", () => {
    const g = new SpectrumGrid(2, 8);
    expect(g.firstFit([0, 1], 3)).toBe(0);
    g.allocate([0], 0, 2); // link 0: slots 0-1
    g.allocate([1], 3, 1); // link 1: slot 3
    expect(g.firstFit([0], 2)).toBe(2);
    expect(g.firstFit([0, 1], 2)).toBe(4); // 2 is free on both but 3 is not
    expect(g.firstFit([0, 1], 1)).toBe(2);
    expect(g.firstFit([0, 1], 5)).toBe(-1);
    expect(g.pathSpectrum([0, 1])).toEqual({ minResidual: 6, frag: 1 - 4 / 5 });
    g.release([0], 0, 2);
    expect(g.firstFit([0, 1], 3)).toBe(0);
    expect(g.freeSlots(0)).toBe(8);
  });

  it("agrees with a slot-by-slot first fit and fragmentation across word boundaries", () => {
    const rng = createRng(5);
    for (const slots of [7, 32, 33, 64, 100, 320]) {
      const g = new SpectrumGrid(3, slots);
      // The reference: the block each slot belongs to (0 free), kept beside the grid.
      const owner = new Int32Array(3 * slots);
      const free = (l: number, s: number) => owner[l * slots + s] === 0;
      for (let round = 0; round < 300; round++) {
        const links = [0, 1, 2].filter(() => rng.random() < 0.7);
        if (links.length === 0) links.push(rng.integers(0, 3));
        const n = rng.integers(1, 20);
        // Naive reference: scan slot by slot.
        let expected = -1;
        let run = 0;
        let total = 0;
        let largest = 0;
        let cur = 0;
        for (let s = 0; s < slots; s++) {
          const ok = links.every((l) => free(l, s));
          run = ok ? run + 1 : 0;
          if (expected < 0 && run === n) expected = s - n + 1;
          if (ok) {
            total++;
            cur++;
            largest = Math.max(largest, cur);
          } else cur = 0;
        }
        for (let s = 0; s < slots; s++)
          for (const l of links) expect(g.isUsed(l, s)).toBe(!free(l, s));
        expect(g.firstFit(links, n)).toBe(expected);
        const minResidual = Math.min(...links.map((l) => g.freeSlots(l)));
        expect(g.pathSpectrum(links)).toEqual({
          minResidual,
          frag: total === 0 ? 0 : 1 - largest / total,
        });
        // Fill or empty a random block of one link to vary the spectrum.
        const l = rng.integers(0, 3);
        const start = rng.integers(0, slots);
        const len = Math.min(slots - start, rng.integers(1, 40));
        const block = Array.from({ length: len }, (_, i) => start + i);
        const o = l * slots;
        if (block.every((s) => free(l, s))) {
          g.allocate([l], start, len);
          owner.fill(round + 1, o + start, o + start + len);
        } else if (block.every((s) => owner[o + s] === owner[o + start])) {
          g.release([l], start, len);
          owner.fill(0, o + start, o + start + len);
        }
      }
    }
  });

  it("routes on a tiny line network with first fit and blocks when the spectrum is full", () => {
    const line: OpticalTopology = {
      name: "line",
      numNodes: 2,
      links: [{ a: 0, b: 1, km: 100 }],
    };
    const env = new OpticalRoutingEnv({
      ...options({ failure_type: "none", warmup_requests: 0 }),
      topology: line,
      k: 2,
      slots: 4,
      bandwidths: [100], // 16-QAM reaches 100 km: 2 slots
      meanHolding: 1e9, // nothing departs
    });
    const obs = env.reset({ seed: 0 }).observation as DictSpaceValue;
    expect(maskOf(obs)).toEqual([true, false]); // one path only
    expect(Array.from(obs.slots_needed as Float32Array)).toEqual([2]);
    expect(env.step(1).reward).toBe(-1); // no second path: blocked
    expect(env.step(0).reward).toBe(1);
    const used = () => [0, 1, 2, 3].map((s) => env.net.grid.isUsed(0, s));
    expect(used()).toEqual([true, true, false, false]);
    const r = env.step(0);
    expect(r.reward).toBe(1);
    expect(used()).toEqual([true, true, true, true]);
    expect(maskOf(r.observation as DictSpaceValue)).toEqual([false, false]);
    expect(env.step(0).reward).toBe(-1);
  });
});

describe("OpticalRouting-v0", () => {
  it("gives the same trajectory for the same seed and another for another seed", () => {
    const run = (seed: number) => {
      const env = new OpticalRoutingEnv(options({ requests_per_episode: 200 }));
      const out: number[] = [];
      let obs = env.reset({ seed }).observation as DictSpaceValue;
      for (let i = 0; i < 200; i++) {
        const r = env.step(kspFf(obs));
        obs = r.observation as DictSpaceValue;
        out.push(obs.src as number, obs.dst as number, r.reward, ...perPath(obs, "frag_indicator"));
      }
      return out;
    };
    expect(run(3)).toEqual(run(3));
    expect(run(3)).not.toEqual(run(4));
  });

  it("masks exactly the paths with a first-fit block and no failed link, in the observation and in info", () => {
    const env = new OpticalRoutingEnv(
      options({ load_erlang: 900, requests_per_episode: 400, t_fail: 0.1, t_repair: 0.3 }),
    );
    let { observation, info } = env.reset({ seed: 1 });
    let sawBlocked = false;
    let sawFailed = false;
    for (let i = 0; i < 400; i++) {
      const o = observation as DictSpaceValue;
      const mask = maskOf(o);
      expect(info.action_mask).toEqual(mask);
      const failed = perPath(o, "failure_mask");
      const d = env.net.pathsBetween(o.src as number, o.dst as number);
      const gbps = (env as unknown as { req: { gbps: number } }).req.gbps;
      mask.forEach((m, j) => {
        const p = d[j]!;
        expect(m).toBe(
          failed[j] === 0 && env.net.grid.firstFit(p.links, env.net.slotsFor(p, gbps)) >= 0,
        );
        if (failed[j] === 1) sawFailed = true;
      });
      const a = i % 4;
      const r = env.step(a);
      expect(r.reward).toBe(mask[a] ? 1 : -1);
      expect(r.info.action_mask).toEqual(mask); // the mask the action was chosen under
      for (const key of [
        "decision_time_ms",
        "restoration_latency_ms",
        "bp_window_tag",
        "backup_available",
        "was_groomed",
      ]) {
        expect(r.info).toHaveProperty(key);
      }
      if (!mask[a]) sawBlocked = true;
      observation = r.observation;
      info = { action_mask: maskOf(observation as DictSpaceValue) };
    }
    expect(sawBlocked).toBe(true);
    expect(sawFailed).toBe(true);
  });

  it("tags decisions pre, fail, post in order and ends with blocking probability per window", () => {
    const env = new OpticalRoutingEnv(options({ failure_type: "disaster", disaster_node: 5 }));
    let obs = env.reset({ seed: 2 }).observation as DictSpaceValue;
    const tags: string[] = [];
    let disaster = 0;
    let last: Info = {};
    for (;;) {
      const r = env.step(kspFf(obs));
      tags.push(String(r.info.bp_window_tag));
      obs = r.observation as DictSpaceValue;
      disaster += obs.is_disaster as number;
      if (r.truncated) {
        last = r.info;
        break;
      }
    }
    expect(tags).toHaveLength(1000);
    const order = tags.map((t) => ["pre", "fail", "post"].indexOf(t));
    expect(order.every((v, i) => i === 0 || v >= order[i - 1]!)).toBe(true);
    expect(new Set(tags)).toEqual(new Set(["pre", "fail", "post"]));
    expect(disaster).toBeGreaterThan(0);
    for (const k of ["bp_pre", "bp_fail", "bp_post", "blocking_probability"]) {
      expect(last[k]).toBeGreaterThanOrEqual(0);
      expect(last[k]).toBeLessThanOrEqual(1);
    }
    expect(Number(last.restored_connections) + Number(last.dropped_connections)).toBeGreaterThan(0);
    // A disaster at node 5 cuts more than a single link: the failure window blocks more.
    expect(Number(last.bp_fail)).toBeGreaterThan(Number(last.bp_pre));
  });

  it("blocks more as the load rises under KSP-FF", () => {
    const bp = (load: number) => {
      const env = new OpticalRoutingEnv(options({ load_erlang: load, failure_type: "none" }));
      let sum = 0;
      for (let s = 0; s < 3; s++) sum += Number(runEpisode(env, s).blocking_probability);
      return sum / 3;
    };
    const figures = [200, 400, 600, 900].map(bp);
    for (let i = 1; i < figures.length; i++) expect(figures[i]).toBeGreaterThan(figures[i - 1]!);
    expect(figures[0]).toBeLessThan(0.05);
  });

  it("observes a Dict by default (the seed's state, k per-path Dicts, the mask) and the same values flat", () => {
    const dictEnv = new OpticalRoutingEnv(options({ requests_per_episode: 300 }));
    const flatEnv = new OpticalRoutingEnv(
      options({ requests_per_episode: 300, observation: "flat" }),
    );
    const space = dictEnv.observationSpace as Dict;
    expect(space.keys).toEqual([...OPTICAL_OBS_KEYS]);
    const paths = space.spaces.get("paths") as Tuple;
    expect(paths.spaces).toHaveLength(4);
    for (const p of paths.spaces) expect((p as Dict).keys).toEqual([...OPTICAL_PATH_KEYS]);
    expect(flatEnv.observationSpace.shape).toEqual([29]);
    let d = dictEnv.reset({ seed: 8 }).observation as DictSpaceValue;
    let f = flatEnv.reset({ seed: 8 }).observation as Float32Array;
    for (let i = 0; i < 300; i++) {
      expect(dictEnv.observationSpace.contains(d)).toBe(true);
      expect(flatEnv.observationSpace.contains(f)).toBe(true);
      const one = (x: SpaceValue) =>
        Math.fround(typeof x === "number" ? x : (x as Float32Array)[0]!);
      const layout = [
        ...Array.from(d.action_mask as Int8Array),
        ...perPath(d, "dist_to_disaster_centroid"),
        one(d.dst!),
        one(d.est_remaining_time!),
        ...perPath(d, "failure_mask"),
        ...perPath(d, "frag_indicator"),
        one(d.is_disaster!),
        ...perPath(d, "min_residual_slots"),
        ...perPath(d, "path_hops"),
        one(d.slots_needed!),
        one(d.src!),
      ];
      expect(Array.from(f)).toEqual(layout);
      const a = i % 4;
      d = dictEnv.step(a).observation as DictSpaceValue;
      f = flatEnv.step(a).observation as Float32Array;
    }
  });

  it("rejects a failure link or disaster node the topology lacks", () => {
    expect(() => options({ failure_link: 21 })).toThrow(/failure_link/);
    expect(() => options({ topology: "cost239", disaster_node: 11 })).toThrow(/disaster_node/);
    expect(() => options({ t_fail: 2, t_repair: 1 })).toThrow(/t_repair/);
    expect(options({ topology: "cost239" }).topology.links).toHaveLength(26);
  });
});

describe("path-choice policies", () => {
  const mask = [true, true, true, false];

  it("epsilon-mix: ε = 1 takes the second feasible path, ε = 0 the first, with μ(a|s)", () => {
    expect(epsilonMix(mask, 1, 0.5)).toMatchObject({
      action: 1,
      behaviorProb: 1,
      wasExploratory: true,
    });
    expect(epsilonMix(mask, 0, 0.5)).toMatchObject({
      action: 0,
      behaviorProb: 1,
      wasExploratory: false,
    });
    expect(epsilonMix([false, true, false, true], 0.1, 0.05)).toMatchObject({
      action: 3,
      behaviorProb: 0.1,
    });
    expect(epsilonMix([false, true, false, true], 0.1, 0.5)).toMatchObject({
      action: 1,
      behaviorProb: 0.9,
    });
    expect(epsilonMix([false, false, true, false], 1, 0)).toMatchObject({
      action: 2,
      behaviorProb: 1,
    });
    expect(epsilonMix([false, false, false, false], 0.1, 0)).toMatchObject({
      action: 0,
      behaviorProb: 1,
    });
  });

  it("decide in place from a batch (Dict or flat) exactly as from the sub-env's own observation", () => {
    const n = 5;
    for (const observation of ["dict", "flat"]) {
      const env = new OpticalRoutingEnv(options({ observation, load_erlang: 900 }));
      const space = env.observationSpace;
      const batch = createBatch(space, n);
      for (let i = 0; i < n; i++) {
        env.reset({ seed: i });
        let o = env.step(0).observation;
        for (let s = 0; s < 50 * i; s++) o = env.step(s % 4).observation;
        writeBatchItem(space, batch, i, o);
      }
      for (const [name, eps] of [
        ["ksp-ff", 0.5],
        ["ksp-ff", 0],
        ["random", 0],
      ] as const) {
        const policy = createPolicy(name, "OpticalRouting-v0", env.actionSpace, eps);
        const a = createRng(1);
        const b = createRng(1);
        for (let round = 0; round < 20; round++) {
          for (let i = 0; i < n; i++) {
            expect(policy.decideAt!(batch, i, n, a)).toEqual(
              policy.decide(batchItem(space, batch, i), b),
            );
          }
        }
      }
    }
  });

  it("random picks a feasible path with μ = 1/#feasible", () => {
    const seen = new Set<number>();
    for (let u = 0; u < 1; u += 0.05) {
      const d = randomFeasible(mask, u);
      expect(mask[d.action as number]).toBe(true);
      expect(d.behaviorProb).toBeCloseTo(1 / 3);
      seen.add(d.action as number);
    }
    expect(seen).toEqual(new Set([0, 1, 2]));
  });
});
