import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Box } from "../../envs/core/spaces/box.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";
import type { SpaceValue } from "../../envs/core/spaces/space.js";
import { Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import type { RecordedEpisode } from "../../recorders/types.js";
import { shutdownH5Workers } from "../../recorders/writers/h5-host.js";
import { WRITERS } from "../../recorders/writers/index.js";
import { openMinariWriter } from "../../recorders/writers/minari-writer.js";
import { contextOf, ReachDictEnv, recordEpisodes } from "../helpers/h5-episodes.js";
import { findH5Python, readWithPython } from "../helpers/h5-python.js";

const found = findH5Python();
const python = "python" in found ? found.python : "";
if (!python) console.warn(`minari writer tests skipped: ${"reason" in found ? found.reason : ""}`);

const root = mkdtempSync(join(tmpdir(), "gymrpc-minari-"));
afterAll(async () => {
  await shutdownH5Workers();
  rmSync(root, { recursive: true, force: true });
});

interface Arr {
  shape: number[];
  dtype: string;
  values: unknown;
}
interface MinariDump {
  id: string;
  total_episodes: number;
  total_steps: number;
  direct_total_episodes: number;
  observation_space: string;
  action_space: string;
  spec_version: number;
  metadata_keys: string[];
  metadata: Record<string, unknown>;
  episode_metadata: Record<string, unknown>[];
  terminated: number[];
  truncated: number[];
  episodes: {
    id: number;
    observations: Arr & Record<string, Arr>;
    actions: Arr;
    rewards: Arr;
    terminations: Arr;
    truncations: Arr;
    infos: Record<string, Arr>;
  }[];
  local: string[];
}

const nums = (v: SpaceValue): number[] => Array.from(v as ArrayLike<number | bigint>, Number);
const rows = (vs: readonly SpaceValue[]): unknown[] =>
  vs.map((v) => (typeof v === "number" ? v : nums(v)));

describe.skipIf(!python)("minari writer, read back with the real minari package", () => {
  it("writes a dataset minari.load_dataset opens, with boolean terminations that filter", async () => {
    const env = createDefaultRegistry().make("CartPole-v1");
    const id = "cartpole-random-v0";
    const ctx = contextOf(env, "CartPole-v1", {
      author: "tester",
      author_email: "tester@example.com",
      algorithm_name: "random",
      code_permalink: "https://example.com/code",
    });
    const path = join(root, id);
    const writer = await WRITERS.minari!(path, ctx);
    const { seen } = await recordEpisodes(env, writer, ctx, 5, (r) => (r() < 0.5 ? 0 : 1), true);
    expect(existsSync(join(path, ".gymrpc-journal"))).toBe(false);
    const m = await readWithPython<MinariDump>(python, ["minari", root, id]);

    expect(m.id).toBe(id);
    expect(m.total_episodes).toBe(5);
    expect(m.direct_total_episodes).toBe(5);
    expect(m.total_steps).toBe(seen.reduce((n, e) => n + e.actions.length, 0));
    expect(m.spec_version).toBe(0);
    expect(m.local).toContain(id);
    expect(m.observation_space).toContain("-inf");
    expect(m.action_space).toBe("Discrete(2)");
    // DataCollector.create_dataset's keys, in its order (env_spec and the optional ones aside).
    expect(m.metadata_keys).toEqual([
      "total_episodes",
      "total_steps",
      "data_format",
      "jpeg_encoding",
      "observation_space",
      "action_space",
      "dataset_size",
      "dataset_id",
      "code_permalink",
      "author",
      "author_email",
      "algorithm_name",
      "description",
      "minari_version",
    ]);
    expect(m.metadata).toMatchObject({
      data_format: "hdf5",
      jpeg_encoding: false,
      author: ["tester"],
      minari_version: "0.5.0",
    });
    // The first four end terminated; the fifth, cut by the recording, is truncated (as DataCollector does).
    expect(m.terminated).toEqual([0, 1, 2, 3]);
    expect(m.truncated).toEqual([4]);
    m.episodes.forEach((ep, i) => {
      const s = seen[i]!;
      const T = s.actions.length;
      expect(ep.observations).toMatchObject({ shape: [T + 1, 4], dtype: "float32" });
      expect(ep.observations.values).toEqual(rows(s.observations));
      expect(ep.actions).toMatchObject({ shape: [T], dtype: "int64", values: s.actions });
      expect(ep.rewards).toMatchObject({ dtype: "float64", values: s.rewards });
      expect(ep.terminations.dtype).toBe("bool");
      expect(ep.truncations.dtype).toBe("bool");
      expect(m.episode_metadata[i]).toMatchObject({
        id: i,
        seed: s.seed,
        total_steps: T,
        rewards_sum: T,
      });
    });
    const meta = JSON.parse(
      readFileSync(join(path, "data", "metadata.json"), "utf8").replace(/-?Infinity/g, "0"),
    );
    expect(meta.dataset_id).toBe(id);
  });

  it("writes Dict observations (T + 1 rows) and infos with the reset info first", async () => {
    const env = new ReachDictEnv();
    const id = "reach-dict-v1";
    const ctx = contextOf(env, "ReachDict-v0");
    const writer = await openMinariWriter(join(root, id), ctx, { gzip: 4 });
    const { seen } = await recordEpisodes(env, writer, ctx, 3, (r) =>
      Float32Array.of(r() * 2 - 1, r() * 2 - 1),
    );
    const m = await readWithPython<MinariDump>(python, ["minari", root, id]);
    expect(m.total_episodes).toBe(3);
    expect(m.observation_space).toContain("Dict(");
    expect(m.terminated).toEqual(seen.flatMap((e, i) => (e.terminated ? [i] : [])));
    m.episodes.forEach((ep, i) => {
      const s = seen[i]!;
      const T = s.actions.length;
      const key = (k: string) => s.observations.map((o) => (o as Record<string, SpaceValue>)[k]!);
      expect(ep.observations.pos).toMatchObject({
        shape: [T + 1, 2],
        dtype: "float32",
        values: rows(key("pos")),
      });
      expect(ep.observations.mode).toMatchObject({
        shape: [T + 1],
        dtype: "int64",
        values: key("mode"),
      });
      expect(ep.actions).toMatchObject({
        shape: [T, 2],
        dtype: "float32",
        values: rows(s.actions),
      });
      expect(ep.infos.distance).toMatchObject({ shape: [T + 1], dtype: "float64" });
      expect(ep.infos.success).toMatchObject({ shape: [T + 1], dtype: "bool" });
      expect((ep.infos.success!.values as boolean[]).at(-1)).toBe(s.terminated);
      // distance is not in the reset info: row 0 holds NaN.
      expect((ep.infos.distance!.values as unknown[])[0]).toBe("nan");
    });
  });

  it("stores Tuple, Text and MultiBinary spaces (h5py and minari agree)", async () => {
    const obsSpace = new Tuple([new Discrete(4), new Text(5), new Box(0, 255, [2, 3], "uint8")]);
    const ctx = contextOf(
      { observationSpace: obsSpace, actionSpace: new MultiBinary([2, 2]) } as never,
      "Tuple-v0",
    );
    const episode = (id: number): RecordedEpisode => ({
      meta: {
        episodeId: id,
        seed: 5,
        envId: "Tuple-v0",
        config: {},
        policyId: "p",
        subEnv: 0,
        length: 3,
        totalReturn: 3,
        terminationReason: "terminated",
        success: true,
        trajectoryHash: "ab",
        schemaVersion: "1.0.0",
        startedAt: "",
        endedAt: "",
        resetInfo: { level: 2 },
      },
      observations: [
        BigInt64Array.of(0n, 1n, 2n, 3n),
        ["a", "bb", "ccc", "dddd"],
        Uint8Array.from({ length: 24 }, (_, i) => i),
      ],
      actions: Int8Array.from({ length: 12 }, (_, i) => i % 2),
      rewards: Float64Array.of(1, 1, 1),
      terminations: Uint8Array.of(0, 0, 1),
      truncations: new Uint8Array(3),
      returnsToGo: Float64Array.of(3, 2, 1),
      infos: [
        { level: 2, ok: true },
        { level: 2, ok: false },
        { level: 3, ok: true },
      ],
      policy: {
        behaviorProb: new Float64Array(3).fill(Number.NaN),
        epsilon: new Float64Array(3).fill(Number.NaN),
        wasExploratory: new Uint8Array(3).fill(255),
        greedyActions: undefined,
        policyIds: ["p", "q", "p"],
        meta: [undefined, { note: "x" }, undefined],
      },
    });
    const id = "tuple-v2";
    const writer = await openMinariWriter(join(root, id), ctx);
    await Promise.all([writer.writeEpisode(episode(0)), writer.writeEpisode(episode(1))]);
    await writer.close();
    const m = await readWithPython<MinariDump>(python, ["minari", root, id]);
    expect(m.observation_space).toContain("Tuple(Discrete(4), Text(1, 5");
    expect(m.action_space).toBe("MultiBinary((2, 2))");
    const ep = m.episodes[1]!;
    const obs = ep.observations as unknown as Arr[];
    expect(obs[0]).toMatchObject({ shape: [4], dtype: "int64", values: [0, 1, 2, 3] });
    expect(obs[1]?.values).toEqual(["a", "bb", "ccc", "dddd"]);
    expect(obs[2]).toMatchObject({ shape: [4, 2, 3], dtype: "uint8" });
    expect(ep.actions).toMatchObject({ shape: [3, 2, 2], dtype: "int8" });
    expect(ep.infos.level?.values).toEqual([2, 2, 2, 3]);
    expect(ep.infos.ok?.values).toEqual([false, true, false, true]);
  });
});
