import { describe, expect, it } from "vitest";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import type { RecordedEpisode } from "../../recorders/types.js";
import { SCHEMA_VERSION } from "../../recorders/types.js";
import {
  RECORD_MAGIC,
  RECORD_PREFIX,
  RecordKind,
  RecordSlab,
  sealRecord,
} from "../../recorders/writers/h5-record.js";
import { decodeEpisode, recordSpans } from "../../recorders/writers/h5-record-decode.js";
import { describeSpace } from "../../recorders/writers/h5-spaces.js";

const obsSpace = describeSpace(
  Dict.of([
    ["pos", new Box(-1, 1, [2], "float32")],
    ["mode", new Discrete(3)],
  ]),
);
const actSpace = describeSpace(new Box(-1, 1, [2], "float32"));

function episode(k: number, T: number, extra: Partial<RecordedEpisode["policy"]> = {}) {
  const ep: RecordedEpisode = {
    meta: {
      episodeId: k,
      seed: k === 0 ? undefined : k * 10,
      envId: "Reach-v0",
      config: { size: 3 },
      policyId: "p",
      subEnv: 2,
      length: T,
      totalReturn: k === 1 ? Number.NaN : k + 0.5,
      terminationReason: "terminated",
      success: k === 0 ? undefined : k % 2 === 0,
      trajectoryHash: "ab".repeat(32),
      schemaVersion: SCHEMA_VERSION,
      startedAt: "2024-01-01T00:00:00.000Z",
      endedAt: "2024-01-01T00:00:01.000Z",
      resetInfo: k === 2 ? { level: 3, tag: "ü" } : {},
    },
    observations: {
      pos: Float32Array.from({ length: (T + 1) * 2 }, (_, i) => i + k),
      mode: BigInt64Array.from({ length: T + 1 }, (_, i) => BigInt(i % 3)),
    },
    actions: Float32Array.from({ length: T * 2 }, (_, i) => -i),
    rewards: Float64Array.from({ length: T }, (_, t) => t / 3),
    terminations: Uint8Array.from({ length: T }, (_, t) => (t === T - 1 ? 1 : 0)),
    truncations: new Uint8Array(T),
    returnsToGo: new Float64Array(T),
    infos: Array.from({ length: T }, (_, t) => ({ d: t * 2 })),
    policy: {
      behaviorProb: new Float64Array(T).fill(Number.NaN),
      epsilon: new Float64Array(T).fill(Number.NaN),
      wasExploratory: new Uint8Array(T).fill(255),
      greedyActions: undefined,
      policyIds: new Array(T).fill("p"),
      meta: new Array(T).fill(undefined),
      ...extra,
    },
  };
  return ep;
}

/** Every record of every batch a slab hands out, decoded. */
function roundTrip(slab: RecordSlab) {
  return slab
    .take(true)
    .flatMap((b) => recordSpans(b.buffer, b.used).map(([at]) => decodeEpisode(b.buffer, at)));
}

describe("h5 episode records", () => {
  it("round-trips metadata, columns and per-step strings through a slab", () => {
    const slab = new RecordSlab();
    slab.append(episode(0, 3), obsSpace, actSpace);
    slab.append(episode(1, 3), obsSpace, actSpace);
    slab.append(episode(2, 5, { policyIds: ["p", "q", "p", "ü", "p"] }), obsSpace, actSpace);
    const [a, b, c] = roundTrip(slab);
    expect(a!.head).toEqual({
      episodeId: 0,
      seed: null,
      subEnv: 2,
      length: 3,
      totalReturn: 0.5,
      success: null,
    });
    expect(b!.head.totalReturn).toBeNaN();
    expect(c!.head).toMatchObject({ seed: 20, success: true, length: 5 });
    expect(c!.meta).toMatchObject({
      envId: "Reach-v0",
      config: { size: 3 },
      trajectoryHash: "ab".repeat(32),
      resetInfo: { level: 3, tag: "ü" },
      episodeId: 2,
    });
    // Episodes 0 and 1 share one column layout: one description array.
    expect(b!.descs).toBe(a!.descs);
    const col = (ep: typeof a, role: string, key?: string) =>
      ep!.columns.find((x) => x.role === role && (key === undefined || x.path[0] === key))!;
    expect(Array.from(col(c, "obs", "pos").data as Float32Array)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 2),
    );
    expect(Array.from(col(c, "obs", "mode").data as BigInt64Array)).toEqual([
      0n,
      1n,
      2n,
      0n,
      1n,
      2n,
    ]);
    expect(Array.from(col(c, "info").data as Float64Array)).toEqual([Number.NaN, 0, 2, 4, 6, 8]);
    expect(col(c, "policy_ids").strings).toEqual(["p", "q", "p", "ü", "p"]);
  });

  it("leaves the text metadata (and the trajectory hash) alone without textMeta, as D4RL's writer asks", () => {
    const ep = episode(7, 3);
    const meta = Object.defineProperty({ ...ep.meta }, "trajectoryHash", {
      get: () => {
        throw new Error("trajectory hash computed");
      },
    });
    const plain = new RecordSlab(false);
    plain.append({ ...ep, meta }, obsSpace, actSpace);
    const [d] = roundTrip(plain);
    expect(d!.head).toMatchObject({ episodeId: 7, length: 3 });
    expect(d!.meta.envId).toBeUndefined();
    expect(d!.meta.trajectoryHash).toBeUndefined();
    expect(() => new RecordSlab().append({ ...ep, meta }, obsSpace, actSpace)).toThrow(
      "trajectory hash computed",
    );
  });

  it("starts a new buffer for a record larger than the slab's", () => {
    const slab = new RecordSlab();
    slab.append(episode(3, 4), obsSpace, actSpace);
    slab.append(episode(4, 100_000), obsSpace, actSpace);
    slab.append(episode(5, 4), obsSpace, actSpace);
    expect(slab.hasFull).toBe(true);
    const batches = slab.take(true);
    // The large record fills a buffer of its own size: the next one starts another.
    expect(batches.map((x) => x.episodes)).toEqual([1, 1, 1]);
    const eps = batches.flatMap((x) =>
      recordSpans(x.buffer, x.used).map(([at]) => decodeEpisode(x.buffer, at)),
    );
    expect(eps.map((e) => e.head.length)).toEqual([4, 100_000, 4]);
    expect(slab.empty).toBe(true);
  });

  it("reads records of the earlier format (one JSON header) from old journals", () => {
    const meta = { ...episode(6, 2).meta, seed: null, success: null, totalReturn: "NaN" };
    const columns = [
      { role: "rewards", path: [], dtype: "float64", shape: [2], offset: 0, byteLength: 16 },
    ];
    const json = new TextEncoder().encode(JSON.stringify({ meta, columns }));
    const base = (RECORD_PREFIX + 4 + json.length + 7) & ~7;
    const buf = new ArrayBuffer(base + 16);
    const dv = new DataView(buf);
    dv.setUint32(0, RECORD_MAGIC, true);
    dv.setUint32(4, RecordKind.legacyEpisode, true);
    dv.setUint32(8, buf.byteLength - RECORD_PREFIX, true);
    dv.setUint32(RECORD_PREFIX, json.length, true);
    new Uint8Array(buf).set(json, RECORD_PREFIX + 4);
    new Float64Array(buf, base, 2).set([1.5, 2.5]);
    sealRecord(new Uint8Array(buf));
    const ep = decodeEpisode(buf);
    expect(ep.head).toMatchObject({ episodeId: 6, length: 2, seed: null });
    expect(ep.head.totalReturn).toBeNaN();
    expect(ep.meta.envId).toBe("Reach-v0");
    expect(Array.from(ep.columns[0]!.data as Float64Array)).toEqual([1.5, 2.5]);
  });
});
