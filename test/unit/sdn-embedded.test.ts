import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../envs/core/config.js";
import { InvalidConfigError } from "../../envs/core/errors.js";
import { createRng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { meanDelayMs } from "../../envs/sdn/network-model.js";
import { actionToWeights, Router } from "../../envs/sdn/routing.js";
import { SdnRoutingEnv } from "../../envs/sdn/sdn-routing.js";
import {
  sdnOptionsFromConfig,
  sdnRoutingRegistration,
} from "../../envs/sdn/sdn-routing-registration.js";
import { buildTopology, hostIp } from "../../envs/sdn/topology.js";
import { parseBandwidth, parsePairs } from "../../envs/sdn/traffic.js";
import { resetSync, rollout, stepSync } from "./classic-control-helpers.js";

const registry = createDefaultRegistry();
const ID = "SdnRouting-v0";

/** The embedded env for a config (validated as the registry validates it). */
function makeEnv(config: Record<string, unknown>): SdnRoutingEnv {
  return new SdnRoutingEnv(
    sdnOptionsFromConfig(resolveConfig(sdnRoutingRegistration.config, config)),
  );
}

const obsOf = (r: { observation: unknown }) => Array.from(r.observation as Float32Array);

describe("SdnRouting-v0 registration and spaces", () => {
  it("has the seed's 12-dim observation and 10-dim action by default", () => {
    const spec = registry.spec(ID);
    const obs = spec.observationSpace as Box;
    const act = spec.actionSpace as Box;
    expect(obs).toBeInstanceOf(Box);
    expect(obs.shape).toEqual([12]);
    expect(obs.dtype).toBe("float32");
    expect([...new Set(obs.low)]).toEqual([0]);
    expect([...new Set(obs.high)]).toEqual([1]);
    expect(act.shape).toEqual([10]);
    expect(act.dtype).toBe("float32");
    expect([...new Set(act.low)]).toEqual([-1]);
    expect([...new Set(act.high)]).toEqual([1]);
    expect(spec.maxEpisodeSteps).toBe(50);
    expect(spec.config.messageType).toBe("gymrpc.v1.envs.SdnRoutingConfig");
    expect(spec.config.fields.find((f) => f.name === "backend")?.default).toBe("embedded");
    expect(spec.config.fields.find((f) => f.name === "ryu_url")?.default).toBe(
      "http://127.0.0.1:8080",
    );
  });

  it("builds the named topologies from their published node and link lists", () => {
    for (const [name, nodes, links] of [
      ["default", 6, 10],
      ["abilene", 11, 14],
      ["nsfnet", 14, 21],
    ] as const) {
      const t = buildTopology(name, "", 100);
      expect([t.numSwitches, t.links.length]).toEqual([nodes, links]);
      const env = makeEnv({ topology: name });
      expect(env.observationSpace.shape).toEqual([links + 2]);
      expect(env.actionSpace.shape).toEqual([links]);
    }
    const abilene = buildTopology("abilene", "", 100);
    const names = abilene.links.map(
      ({ a, b }) => `${abilene.switchNames[a]}-${abilene.switchNames[b]}`,
    );
    expect(names).toContain("DNVR-KSCY");
    expect(names).toContain("NYCM-WASH");
  });

  it("rejects bad topology and traffic settings naming the field", () => {
    const field = (config: Record<string, unknown>) => {
      try {
        makeEnv(config);
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidConfigError);
        return (e as InvalidConfigError).field;
      }
      return "no error";
    };
    expect(field({ links: "1-2" })).toBe("config.links");
    expect(field({ topology: "custom" })).toBe("config.links");
    expect(field({ topology: "custom", links: "1-2,3-4" })).toBe("config.links");
    expect(field({ topology: "custom", links: "1-1" })).toBe("config.links");
    expect(field({ topology: "custom", links: "1-2,2-1" })).toBe("config.links");
    expect(field({ topology: "mesh" })).toBe("config.topology");
    expect(field({ traffic: "pairs", traffic_pairs: "h1:h7" })).toBe("config.traffic_pairs");
    expect(field({ traffic: "pairs", traffic_bw: "fast" })).toBe("config.traffic_bw");
    expect(field({ ryu_url: "127.0.0.1:8080" })).toBe("config.ryu_url");
  });

  it("parses iperf-style bandwidths and host pairs", () => {
    expect(parseBandwidth("10M")).toBe(10);
    expect(parseBandwidth("500k")).toBe(0.5);
    expect(parseBandwidth("1G")).toBe(1000);
    expect(parseBandwidth("2000000")).toBe(2);
    expect(parsePairs("h1:h2, h2:h3", 3)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(hostIp(0)).toBe("10.0.0.1");
    expect(hostIp(255)).toBe("10.0.1.0");
  });
});

describe("SdnRouting-v0 embedded backend", () => {
  it("replays identically from the same seed and differs for another", () => {
    const a = rollout(registry.make(ID), 7, 60);
    const b = rollout(registry.make(ID), 7, 60);
    const c = rollout(registry.make(ID), 8, 60);
    expect(a).toEqual(b);
    expect(a.steps).toHaveLength(50);
    expect(a.steps.at(-1)?.truncated).toBe(true);
    expect(a.steps.some((s) => s.terminated)).toBe(false);
    expect(c.initial).not.toEqual(a.initial);
  });

  it("carries traffic by default: the busiest link runs at the intensity under the base weights", () => {
    const env = makeEnv({ traffic_noise: 0 });
    const r = resetSync(env, { seed: 3 });
    expect(r.info.max_utilization).toBeCloseTo(0.7, 12);
    expect(Math.max(...obsOf(r).slice(0, 10))).toBeCloseTo(0.7, 6);
    const heavy = makeEnv({ traffic_noise: 0, traffic_intensity: 1.3 });
    expect(resetSync(heavy, { seed: 3 }).info.max_utilization).toBeCloseTo(1.3, 12);
  });

  it("computes utilization, M/M/1 delay and throughput on a hand-checked line", () => {
    // s1 - s2 - s3, 100 Mbps, one 50 Mbps flow h1 -> h3 over both links.
    const env = makeEnv({
      topology: "custom",
      links: "1-2,2-3",
      traffic: "pairs",
      traffic_pairs: "h1:h3",
      traffic_bw: "50M",
      traffic_noise: 0,
    });
    const r = resetSync(env, { seed: 0 });
    // Per link: 0.12 ms service (12000 bit / 100 Mbit/s), / (1 - 0.5) = 0.24 ms; 2 hops = 0.48 ms.
    const delay = 0.48;
    expect(r.info.mean_delay_ms).toBeCloseTo(delay, 12);
    expect(obsOf(r)).toEqual([0.5, 0.5, delay / (delay + 1), 1].map((v) => Math.fround(v)));
    const s = stepSync(env, new Float32Array(2));
    expect(s.reward).toBeCloseTo(-0.5 - delay / (delay + 1), 12);
  });

  it("caps the queue at 99% utilization and drops the excess when a link is over capacity", () => {
    const env = makeEnv({
      topology: "custom",
      links: "1-2,2-3",
      traffic: "pairs",
      traffic_pairs: "h1:h3",
      traffic_bw: "150M",
      traffic_noise: 0,
    });
    const r = resetSync(env, { seed: 0 });
    // 0.12 ms / (1 - 0.99) = 12 ms per hop; 24 ms end to end.
    expect(r.info.mean_delay_ms).toBeCloseTo(24, 9);
    expect(r.info.overloaded_links).toBe(2);
    expect(r.info.max_utilization).toBeCloseTo(1.5, 12);
    expect(obsOf(r)).toEqual([1, 1, Math.fround(24 / 25), Math.fround(100 / 150)]);
    expect(stepSync(env, new Float32Array(2)).reward).toBeCloseTo(-1.5 - 24 / 25, 12);
  });

  it("matches Kleinrock's formula for asymmetric link loads", () => {
    const t = buildTopology("custom", "1-2,2-3,1-3", 100);
    // Directed rates (Mbps): 1->2 50, 2->1 10, 2->3 0, 3->2 90, 1->3 20, 3->1 0; 40 offered.
    const m = {
      linkRateMbps: Float64Array.of(50, 10, 0, 90, 20, 0),
      offeredMbps: 40,
      deliveredMbps: 36,
    };
    const sum = (50 * 0.12) / 0.5 + (10 * 0.12) / 0.9 + (90 * 0.12) / 0.1 + (20 * 0.12) / 0.8;
    expect(meanDelayMs(t, m)).toBeCloseTo(sum / 40, 12);
    expect(meanDelayMs(t, { ...m, offeredMbps: 0 })).toBe(0);
  });

  it("follows the pairs schedule: flows start at the offset and stop after the duration", () => {
    const env = makeEnv({
      topology: "custom",
      links: "1-2",
      traffic: "pairs",
      traffic_pairs: "h1:h2",
      traffic_bw: "10M",
      traffic_noise: 0,
      traffic_start_offset: 2,
      traffic_duration: 3,
    });
    const util = [obsOf(resetSync(env, { seed: 0 }))[0]];
    for (let i = 0; i < 6; i++) util.push(obsOf(stepSync(env, Float32Array.of(0)))[0]);
    const on = Math.fround(0.1);
    expect(util).toEqual([0, 0, on, on, on, 0, 0]);
  });

  it("reroutes when the weights change", () => {
    // Triangle, one 10 Mbps flow h1 -> h2: direct at equal weights, around via s3
    // once link 1-2 is expensive and the other two cheap.
    const env = makeEnv({
      topology: "custom",
      links: "1-2,2-3,1-3",
      traffic: "pairs",
      traffic_pairs: "h1:h2",
      traffic_noise: 0,
    });
    const base = obsOf(resetSync(env, { seed: 0 })).slice(0, 3);
    expect(base).toEqual([0.1, 0, 0].map(Math.fround));
    const around = stepSync(env, Float32Array.of(1, -1, -1));
    expect(obsOf(around).slice(0, 3)).toEqual([0, 0.1, 0.1].map(Math.fround));
    expect(Array.from(around.info.link_weights as Float64Array)).toEqual(
      [10, 0.1, 0.1].map((w) => expect.closeTo(w, 12)),
    );
    expect(env.router.path(0, 1)).toEqual([0, 2, 1]);
    const back = stepSync(env, Float32Array.of(0, 0, 0));
    expect(obsOf(back).slice(0, 3)).toEqual(base);
  });

  it("breaks ties toward the lowest-numbered neighbor, loop-free", () => {
    // Square 1-2-3-4-1: s1 reaches s3 through s2 or s4 at equal cost.
    const t = buildTopology("custom", "1-2,2-3,3-4,4-1", 100);
    const router = new Router(t);
    router.update([1, 1, 1, 1]);
    expect(router.path(0, 2)).toEqual([0, 1, 2]);
    router.update([1, 2, 1, 1]);
    expect(router.path(0, 2)).toEqual([0, 3, 2]);
    // Every route ends at its destination for random weights.
    const rng = createRng(1);
    for (let k = 0; k < 50; k++) {
      router.update(Array.from({ length: 4 }, () => rng.uniform(0.1, 10)));
      for (let s = 0; s < 4; s++)
        for (let d = 0; d < 4; d++) expect(router.path(s, d).at(-1)).toBe(d);
    }
  });

  it("maps actions to weights as base * range^a", () => {
    const out = new Float64Array(3);
    actionToWeights(Float32Array.of(0, 1, -1), [2, 2, 2], 10, out);
    expect(out[0]).toBe(2);
    expect(out[1]).toBeCloseTo(20, 12);
    expect(out[2]).toBeCloseTo(0.2, 12);
  });
});
