import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import { batchItem, createBatch, writeBatchItem } from "../../envs/core/vector/batching.js";
import type { RecordedEpisode } from "../../recorders/types.js";
import { JsonlWriter } from "../../recorders/writers/jsonl-writer.js";
import { SEED_001_JSONL_KEYS } from "../helpers/jsonl-schema.js";
import { testContext } from "../helpers/memory-recorder.js";
import { syntheticEpisode } from "../helpers/npz-episodes.js";

const T = 6;
const observationSpace = Dict.of([
  ["pos", new Box(-10, 10, [3])],
  ["exact", new Box(-1, 1, [2], "float64")],
  ["slots", new Box(0, 100, [])],
  ["src", new Discrete(14)],
  ["mask", new MultiBinary(2)],
]);
const actionSpace = new Box(-1, 1, [2]);
const ctx = testContext("synthetic", observationSpace, actionSpace);

// Observation i: float32 values with short and long shortest forms, a NaN, float64 values.
function observation(i: number): SpaceValue {
  return {
    pos: Float32Array.of(0.1 * i, 1 / (i + 3), i === 2 ? Number.NaN : -i - 0.5),
    exact: Float64Array.of(0.1 + 0.2 * i, 1 / 3),
    slots: Float32Array.of(i * 7),
    src: i % 14,
    mask: Uint8Array.of(i & 1, 1),
  };
}

function episode(): RecordedEpisode {
  const observations = createBatch(observationSpace, T + 1);
  const actions = createBatch(actionSpace, T);
  for (let i = 0; i <= T; i++) writeBatchItem(observationSpace, observations, i, observation(i));
  for (let i = 0; i < T; i++)
    writeBatchItem(actionSpace, actions, i, Float32Array.of(i / 10, -i / 7));
  const ep = syntheticEpisode(0, T, observations, actions, "truncated");
  const truncations = new Uint8Array(T);
  truncations[T - 1] = 1;
  return {
    ...ep,
    truncations,
    meta: { ...ep.meta, seed: 3 },
    infos: Array.from({ length: T }, (_, i) => ({ action_mask: Uint8Array.of(1, i & 1), x: i })),
    policy: { ...ep.policy, behaviorProb: new Float64Array(T).fill(0.95) },
  };
}

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gymrpc-jsonl-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The episode's lines as the writer writes them: streamed step by step, or from its columns.
async function write(name: string, streamed: boolean): Promise<string> {
  const path = join(dir, name);
  const writer = new JsonlWriter(path, ctx, false);
  const ep = episode();
  if (streamed) {
    for (let j = 0; j < T; j++) {
      writer.writeTransition({
        t: j,
        step: j,
        episodeId: 0,
        subEnv: 0,
        seed: 3,
        observation: batchItem(observationSpace, ep.observations, j),
        action: batchItem(actionSpace, ep.actions, j),
        reward: ep.rewards[j]!,
        nextObservation: batchItem(observationSpace, ep.observations, j + 1),
        terminated: false,
        truncated: j === T - 1,
        info: ep.infos[j]!,
        policy: { behaviorProb: 0.95, policyId: "test" },
      });
    }
  }
  await writer.writeEpisode(ep);
  await writer.close();
  return readFile(path, "utf8");
}

describe("JsonlWriter", () => {
  it("writes the same bytes for an episode streamed step by step and one written from its columns", async () => {
    const streamed = await write("streamed.jsonl", true);
    expect(streamed.split("\n")).toHaveLength(T + 1);
    expect(await write("columns.jsonl", false)).toBe(streamed);
  });

  it("writes float32 values as their shortest text and float64 values exactly, in the seed's key order", async () => {
    const lines = (await write("values.jsonl", false)).trim().split("\n");
    // Python's json reads NaN; JSON.parse needs it spelled as something it knows.
    const rows = lines.map((l) => JSON.parse(l.replace(/NaN/g, "null")));
    expect(Object.keys(rows[0])).toEqual(SEED_001_JSONL_KEYS);
    expect(lines[1]).toContain(
      '"state":{"pos":[0.1,0.25,-1.5],"exact":[0.30000000000000004,0.3333333333333333]',
    );
    expect(lines[2]).toContain('"pos":[0.2,0.2,NaN]');
    expect(lines[1]).toContain('"action":[0.1,-0.14285715]');
    for (let t = 0; t < T; t++) {
      const obs = observation(t) as Record<string, Float32Array | Float64Array | number>;
      const state = rows[t].state;
      const pos = obs.pos as Float32Array;
      // Each float32 reads back as the same float32, each float64 as the same double.
      for (let i = 0; i < 3; i++)
        if (!Number.isNaN(pos[i])) expect(Math.fround(state.pos[i])).toBe(pos[i]);
      expect(state.exact).toEqual([...(obs.exact as Float64Array)]);
      expect(state.slots).toBe(t * 7);
      expect(rows[t].action_mask).toEqual([true, (t & 1) === 1]);
      expect(rows[t].meta).toMatchObject({ x: t, episode_id: 0, step: t, behavior_prob: 0.95 });
    }
  });
});
