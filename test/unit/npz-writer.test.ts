import { spawn, spawnSync } from "node:child_process";
import {
  copyFile,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Box } from "../../envs/core/spaces/box.js";
import { Dict } from "../../envs/core/spaces/dict.js";
import { Discrete } from "../../envs/core/spaces/discrete.js";
import { Text } from "../../envs/core/spaces/text.js";
import { Tuple } from "../../envs/core/spaces/tuple.js";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { Recorder } from "../../recorders/recorder.js";
import { RecordingEnv } from "../../recorders/recording-env.js";
import { WRITERS } from "../../recorders/writers/index.js";
import { NpzCompactor } from "../../recorders/writers/npz-compact.js";
import {
  createNpzWriter,
  npzWriterFactory,
  recoverNpz,
} from "../../recorders/writers/npz-writer.js";
import { crc32Combine } from "../../recorders/writers/npz-zip.js";
import { testContext } from "../helpers/memory-recorder.js";
import {
  boxEpisode,
  cartPoleAction,
  ExpectedNpz,
  expectArrays,
  NO_STATS,
  replayCartPole,
  syntheticEpisode,
} from "../helpers/npz-episodes.js";
import { bytesOf, dumpNpz, findNumpyPython } from "../helpers/npz-python.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const registry = createDefaultRegistry();
const found = findNumpyPython();
const python = "python" in found ? found.python : undefined;
const withNumpy = python ? describe : describe.skip;
const skipNote = "reason" in found ? ` (skipped: numpy unavailable: ${found.reason})` : "";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gymrpc-npz-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ctxOf = testContext;

describe("crc32Combine", () => {
  it("equals the CRC of the concatenation", () => {
    for (const [a, b] of [
      [0, 0],
      [5, 0],
      [0, 7],
      [1000, 3],
      [17, 70_000],
    ] as const) {
      const x = Buffer.from(Array.from({ length: a }, (_, i) => (i * 31) & 255));
      const y = Buffer.from(Array.from({ length: b }, (_, i) => (i * 17 + 3) & 255));
      expect(crc32Combine(crc32(x), crc32(y), b)).toBe(crc32(Buffer.concat([x, y])));
    }
  });
});

withNumpy(`npz writer, read back by numpy${skipNote}`, () => {
  const py = python!;

  it("is registered for the npz format", () => {
    expect(typeof WRITERS.npz).toBe("function");
  });

  it("CartPole-v1: Discrete actions as one float, terminations, an episode cut short", async () => {
    const path = join(dir, "cartpole.npz");
    const env = new RecordingEnv(registry.make("CartPole-v1"));
    const ctx = ctxOf("CartPole-v1", env.observationSpace, env.actionSpace);
    const recorder = new Recorder(await createNpzWriter(path, ctx), ctx);
    env.attach(recorder);
    const expected = new ExpectedNpz(4, 1);
    for (let k = 0; k < 4; k++) {
      expected.begin((await env.reset({ seed: 100 + k })).observation);
      for (let t = 0; ; t++) {
        const a = cartPoleAction(k, t);
        const r = await env.step(a);
        expected.step([a], r);
        // The fourth episode is cut short by stopping the recording after 5 steps.
        if (r.terminated || r.truncated || (k === 3 && t === 4)) break;
      }
      expected.end(k, k === 3);
    }
    env.detach("recording_stopped");
    const stats = await recorder.close();
    expect(stats.totalEpisodes).toBe(4);
    expect(stats.totalSteps).toBe(expected.rows);
    expectArrays(await dumpNpz(py, path), expected, false);
    expect(await readdir(dir)).not.toContain("cartpole.npz.journal");
  });

  it("Pendulum-v1: Box actions, truncation at 200 steps, behavior probabilities (NaN where unknown)", async () => {
    const path = join(dir, "pendulum.npz");
    const env = new RecordingEnv(registry.make("Pendulum-v1"));
    const ctx = ctxOf("Pendulum-v1", env.observationSpace, env.actionSpace);
    const recorder = new Recorder(await npzWriterFactory({ rebuildRatio: 0 })(path, ctx), ctx);
    env.attach(recorder);
    const expected = new ExpectedNpz(3, 1);
    for (let k = 0; k < 2; k++) {
      expected.begin((await env.reset({ seed: 7 + k })).observation);
      for (let t = 0; ; t++) {
        const torque = Math.fround(Math.sin(t / 9 + k) * 2);
        const prob = k === 1 && t % 3 === 0 ? 0.125 + t / 1000 : undefined;
        env.setStepPolicy(prob === undefined ? undefined : { behaviorProb: prob });
        const r = await env.step(Float32Array.of(torque));
        expected.step([torque], r, prob);
        if (r.terminated || r.truncated) break;
      }
      expected.end(k);
    }
    await recorder.close();
    expect(expected.rows).toBe(400);
    expectArrays(await dumpNpz(py, path), expected, true);
  });

  it("the .npz is a readable prefix of the episodes after every acknowledged episode", async () => {
    const path = join(dir, "prefix.npz");
    const writer = await npzWriterFactory({ rebuildRatio: 0 })(
      path,
      ctxOf("synthetic", new Box(-1e9, 1e9, [3]), new Box(-1e9, 1e9, [1])),
    );
    expect((await dumpNpz(py, path)).arrays.states!.shape).toEqual([0, 3]);
    const lengths = [5, 3, 8];
    for (const [id, t] of lengths.entries()) {
      await writer.writeEpisode(boxEpisode(id, t));
      const rows = (await dumpNpz(py, path)).arrays.states!.shape[0]!;
      const prefixes = lengths
        .slice(0, id + 1)
        .map((_, i) => lengths.slice(0, i + 1).reduce((a, b) => a + b, 0));
      expect([0, ...prefixes]).toContain(rows);
    }
    await writer.close(NO_STATS);
    expect((await dumpNpz(py, path)).arrays.states!.shape).toEqual([16, 3]);
  });

  it("episodes handed over at once share batches built in slices; behavior_probs starts mid-way", async () => {
    const check = async (
      name: string,
      opts: Parameters<typeof npzWriterFactory>[0],
      lengths: number[],
      firstProb: number,
    ) => {
      const path = join(dir, `${name}.npz`);
      const writer = await npzWriterFactory(opts)(
        path,
        ctxOf("synthetic", new Box(-1e9, 1e9, [1]), new Box(-1e9, 1e9, [1])),
      );
      const eps = lengths.map((t, id) => {
        const ep = syntheticEpisode(
          id,
          t,
          Float32Array.from({ length: t + 1 }, (_, i) => id + i / 1024),
          Float32Array.from({ length: t }, (_, i) => -i),
        );
        if (id >= firstProb)
          for (let i = 0; i < t; i += 2) ep.policy.behaviorProb[i] = (id + i) / 4096;
        return ep;
      });
      await Promise.all(eps.map((ep) => writer.writeEpisode(ep)));
      await writer.close(NO_STATS);
      const dump = await dumpNpz(py, path);
      const probs = new Float64Array(new Uint8Array(bytesOf(dump.arrays.behavior_probs)).buffer);
      const want = Float64Array.from(eps.flatMap((ep) => [...ep.policy.behaviorProb]));
      expect(probs.length).toBe(want.length);
      expect(Buffer.from(probs.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      const states = new Float32Array(new Uint8Array(bytesOf(dump.arrays.states)).buffer);
      const wantStates = Float32Array.from(
        eps.flatMap((ep) => [...(ep.observations as Float32Array).subarray(0, ep.rewards.length)]),
      );
      expect(Buffer.from(states.buffer).equals(Buffer.from(wantStates.buffer))).toBe(true);
      const ids = new BigInt64Array(new Uint8Array(bytesOf(dump.arrays.episode_ids)).buffer);
      const wantIds: bigint[] = [];
      for (const ep of eps)
        for (let k = 0; k < ep.rewards.length; k++) wantIds.push(BigInt(ep.meta.episodeId));
      expect(ids).toEqual(BigInt64Array.from(wantIds));
    };
    const lengths = Array.from({ length: 40 }, (_, i) => 1 + ((i * 7) % 13));
    await check("slices", { sliceBytes: 200, maxBatchBytes: 3000 }, lengths, 17);
    // More NaN rows before the first probability than one compressed NaN chunk holds.
    await check("backfill", {}, [70_000, 70_000, 1000, 5], 2);
  });

  it("Dict and Tuple values flatten in key order; Text is refused", async () => {
    const obsSpace = Dict.of([
      ["a", new Box(-10, 10, [2])],
      ["b", new Discrete(3, 5)],
    ]);
    const actSpace = new Tuple([new Box(-1, 1, [1], "float64"), new Discrete(4)]);
    const path = join(dir, "dict.npz");
    const writer = await createNpzWriter(path, ctxOf("synthetic", obsSpace, actSpace));
    const t = 2;
    const obs = { a: Float32Array.of(1, 2, 3, 4, 5, 6), b: BigInt64Array.of(5n, 6n, 7n) };
    const act = [Float64Array.of(0.5, -0.25), BigInt64Array.of(3n, 1n)];
    await writer.writeEpisode(syntheticEpisode(0, t, obs, act));
    await writer.close(NO_STATS);
    const dump = await dumpNpz(py, path);
    expect(dump.arrays.states!.shape).toEqual([2, 3]);
    expect([...new Float32Array(new Uint8Array(bytesOf(dump.arrays.states)).buffer)]).toEqual([
      1, 2, 5, 3, 4, 6,
    ]);
    expect([...new Float32Array(new Uint8Array(bytesOf(dump.arrays.next_states)).buffer)]).toEqual([
      3, 4, 6, 5, 6, 7,
    ]);
    expect([...new Float32Array(new Uint8Array(bytesOf(dump.arrays.actions)).buffer)]).toEqual([
      0.5, 3, -0.25, 1,
    ]);
    await expect(
      createNpzWriter(join(dir, "text.npz"), ctxOf("x", new Text(5), actSpace)),
    ).rejects.toThrow(/cannot be flattened/);
  });

  it("zip64 structures (forced) are read by numpy and zipfile", async () => {
    const path = join(dir, "zip64.npz");
    const writer = await npzWriterFactory({ forceZip64: true })(
      path,
      ctxOf("synthetic", new Box(-1e9, 1e9, [3]), new Box(-1e9, 1e9, [1])),
    );
    const expectedStates: number[] = [];
    for (let id = 0; id < 3; id++) {
      const ep = boxEpisode(id, 4 + id);
      expectedStates.push(...(ep.observations as Float32Array).subarray(0, (4 + id) * 3));
      await writer.writeEpisode(ep);
    }
    await writer.close(NO_STATS);
    const bytes = await readFile(path);
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true);
    const dump = await dumpNpz(py, path);
    expect(dump.testzip).toBeNull();
    expect(
      bytesOf(dump.arrays.states).equals(Buffer.from(Float32Array.from(expectedStates).buffer)),
    ).toBe(true);
  });

  it("recoverNpz rebuilds from a journal, dropping a torn or corrupt tail; live journals are left alone", async () => {
    const path = join(dir, "live.npz");
    const writer = await createNpzWriter(
      path,
      ctxOf("synthetic", new Box(-1e9, 1e9, [3]), new Box(-1e9, 1e9, [1])),
    );
    const sizes: number[] = [];
    for (const [id, t] of [6, 2, 9].entries()) {
      await writer.writeEpisode(boxEpisode(id, t));
      sizes.push((await stat(`${path}.journal`)).size);
    }
    expect((await recoverNpz(path))[0]!.outcome).toBe("skipped");
    await expect(
      createNpzWriter(path, ctxOf("x", new Box(0, 1, [3]), new Box(0, 1, [1]))),
    ).rejects.toThrow(/unrecovered journal/);
    const cases: [string, (j: string) => Promise<void>, number, number][] = [
      ["whole", async () => {}, 3, 17],
      ["torn", (j) => truncate(j, sizes[2]! - 7), 2, 8],
      ["torn-head", (j) => truncate(j, sizes[1]! + 5), 2, 8],
      [
        "corrupt",
        async (j) => {
          const b = await readFile(j);
          b[sizes[2]! - 3]! ^= 0xff;
          await writeFile(j, b);
        },
        2,
        8,
      ],
    ];
    for (const [name, damage, episodes, rows] of cases) {
      const copy = join(dir, `copy-${name}.npz`);
      await copyFile(`${path}.journal`, `${copy}.journal`);
      await damage(`${copy}.journal`);
      const [result] = await recoverNpz(copy);
      expect({
        name,
        outcome: result!.outcome,
        episodes: result!.episodes,
        transitions: result!.transitions,
      }).toEqual({
        name,
        outcome: "recovered",
        episodes,
        transitions: rows,
      });
      const dump = await dumpNpz(py, copy);
      expect(dump.arrays.states!.shape).toEqual([rows, 3]);
      expect(dump.testzip).toBeNull();
      expect(await stat(`${copy}.journal`).catch(() => undefined)).toBeUndefined();
    }
    // A journal cut inside its header never acknowledged an episode: it is just removed.
    await copyFile(`${path}.journal`, join(dir, "header.npz.journal"));
    await truncate(join(dir, "header.npz.journal"), 10);
    const results = await recoverNpz(dir);
    expect(results.map((r) => [r.path.slice(dir.length + 1), r.outcome]).sort()).toEqual([
      ["header.npz", "empty"],
      ["live.npz", "skipped"],
    ]);
    await writer.close(NO_STATS);
    expect((await dumpNpz(py, path)).arrays.states!.shape).toEqual([17, 3]);
    expect(await recoverNpz(path)).toEqual([]);
  });

  it("SIGKILL at a random moment: recoverNpz yields every episode reported durable", async () => {
    const replayEnv = registry.make("CartPole-v1");
    for (const ratio of [10, 1, 0]) {
      const path = join(dir, `killed-${ratio}.npz`);
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "test/helpers/kill-child.ts", "npz", path, String(ratio)],
        {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let durable = 0;
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      let partial = "";
      let third = () => {};
      const ready = new Promise<void>((r) => {
        third = r;
      });
      const exited = new Promise<void>((done) => child.on("close", () => done()));
      child.stdout.on("data", (d: Buffer) => {
        const lines = (partial + d.toString()).split("\n");
        partial = lines.pop()!;
        for (const line of lines) {
          if (!line.startsWith("durable ")) continue;
          expect(Number(line.split(" ")[1])).toBe(durable);
          if (++durable === 3) third();
        }
      });
      await Promise.race([ready, exited]);
      expect(durable, `child died early: ${stderr}`).toBeGreaterThanOrEqual(3);
      // The writer is alive in another process: recovery leaves its journal alone.
      expect((await recoverNpz(path))[0]!.outcome).toBe("skipped");
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      child.kill("SIGKILL");
      await exited;
      // Before recovery the .npz itself is a readable prefix of the episodes.
      const before = await dumpNpz(py, path);
      const ids = new BigInt64Array(new Uint8Array(bytesOf(before.arrays.episode_ids)).buffer);
      const prefix = ids.length ? Number(ids[ids.length - 1]) + 1 : 0;
      expectArrays(before, await replayCartPole(replayEnv, prefix), false);
      const [result] = await recoverNpz(path);
      expect(result!.outcome).toBe("recovered");
      expect(result!.episodes).toBeGreaterThanOrEqual(durable);
      const expected = await replayCartPole(replayEnv, result!.episodes);
      expectArrays(await dumpNpz(py, path), expected, false);
    }
  }, 60_000);

  // Opt-in (GYMRPC_NPZ_BIG=1): a real > 4 GiB archive, so that offsets pass 4 GiB too:
  // stored (level 0, assembled from the journal), and with the defaults, where even
  // episodes are noise (pieces stored, framed from the journal at close) and odd ones
  // mostly zeros (pieces compressed into the spill file).
  for (const [label, options, minBytes] of [
    // Members (4.5 GB each) and offsets beyond 4 GiB.
    ["stored (level 0)", { level: 0 }, 8 * 2 ** 30],
    // Half the pieces stored: offsets beyond 4 GiB.
    ["the defaults (stored and compressed pieces)", {}, 4 * 2 ** 30],
  ] as const) {
    it.skipIf(!process.env.GYMRPC_NPZ_BIG)(
      `zip64 when needed: members and offsets beyond 4 GiB, ${label}`,
      async () => {
        const path = join(dir, "big.npz");
        const dim = 1024;
        const rows = 1_100_000;
        const writer = await npzWriterFactory(options)(
          path,
          ctxOf("synthetic", new Box(-1e9, 1e9, [dim]), new Box(-1e9, 1e9, [1])),
        );
        const t = 10_000;
        let seed = 1;
        for (let id = 0; id * t < rows; id++) {
          const obs = new Float32Array((t + 1) * dim);
          if (!("level" in options) && id % 2 === 0) {
            for (let i = 0; i < obs.length; i++) {
              seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
              obs[i] = seed / 2 ** 32;
            }
          }
          for (let r = 0; r <= t; r++) obs[r * dim] = id * t + r;
          await writer.writeEpisode(syntheticEpisode(id, t, obs, new Float32Array(t)));
        }
        await writer.close(NO_STATS);
        expect((await stat(path)).size).toBeGreaterThan(minBytes);
        const dump = await dumpNpz(py, path, true);
        expect(dump.testzip).toBeNull();
        expect(dump.arrays.states).toMatchObject({
          shape: [rows, dim],
          first: [0, 1, 2],
          last: [rows - 1, 0, 0],
        });
        expect(dump.arrays.next_states).toMatchObject({ shape: [rows, dim], first: [1, 2, 3] });
        expect(dump.arrays.returns_to_go!.shape).toEqual([rows]);
        await rm(path);
      },
      1_800_000,
    );
  }
});

withNumpy(`npz writer, deferred compression${skipNote}`, () => {
  const zipSizes = (path: string): Record<string, [number, number]> =>
    JSON.parse(
      spawnSync(
        python!,
        [
          "-c",
          "import json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps({i.filename: [i.compress_size, i.file_size] for i in z.infolist()}))",
          path,
        ],
        { encoding: "utf8" },
      ).stdout,
    );

  /** Records `count` CartPole episodes into `path`; the archive's sizes after episode 10 and at the end. */
  async function recordCartPoles(
    path: string,
    options: Parameters<typeof npzWriterFactory>[0],
    count: number,
    seedBase: number,
  ) {
    const env = new RecordingEnv(registry.make("CartPole-v1"));
    const ctx = ctxOf("CartPole-v1", env.observationSpace, env.actionSpace);
    const recorder = new Recorder(await npzWriterFactory(options)(path, ctx), ctx);
    env.attach(recorder);
    const expected = new ExpectedNpz(4, 1);
    let during: Record<string, [number, number]> = {};
    for (let k = 0; k < count; k++) {
      expected.begin((await env.reset({ seed: seedBase + k })).observation);
      for (let t = 0; ; t++) {
        const a = cartPoleAction(k, t);
        const r = await env.step(a);
        expected.step([a], r);
        if (r.terminated || r.truncated) break;
      }
      expected.end(k, false);
      // rebuildRatio 0: the .npz on disk is rebuilt after every episode.
      if (k === 10) during = zipSizes(path);
    }
    env.detach("recording_stopped");
    await recorder.close();
    return { expected, during, after: zipSizes(path) };
  }

  it("journals members stored while recording and compresses them at close, arrays unchanged", async () => {
    const path = join(dir, "deferred.npz");
    const { expected, during, after } = await recordCartPoles(path, { rebuildRatio: 0 }, 30, 500);
    const [storedZ, storedRaw] = during["terminals.npy"]!;
    expect(storedZ).toBeGreaterThanOrEqual(storedRaw);
    const [z, raw] = after["terminals.npy"]!;
    expect(raw).toBeGreaterThan(expected.rows);
    expect(z).toBeLessThan(raw / 4);
    const [sz, sraw] = after["states.npy"]!;
    expect(sz).toBeLessThan(sraw);
    expectArrays(await dumpNpz(python!, path), expected, false);
    expect(await readdir(dir)).not.toContain("deferred.npz.journal.z");
  });

  it("a piece that cannot be placed at close, once the first members are written, leaves no partial archive and the journal for recoverNpz", async () => {
    const path = join(dir, "late-failure.npz");
    const writer = await createNpzWriter(
      path,
      ctxOf("synthetic", new Box(-1e9, 1e9, [3]), new Box(-1e9, 1e9, [1])),
    );
    for (const [id, t] of [6, 2, 9].entries()) await writer.writeEpisode(boxEpisode(id, t));
    // Close places the members' last pieces in order while it writes the archive:
    // episode_ids (member 6) fails after states..timeouts have gone into <path>.tmp.
    type Settle = (this: NpzCompactor, job: { member: number }) => Promise<void>;
    const proto = NpzCompactor.prototype as unknown as { settle: Settle };
    const settle = proto.settle;
    let partial = -1;
    const spy = vi.spyOn(proto, "settle").mockImplementation(async function (
      this: NpzCompactor,
      job,
    ) {
      await settle.call(this, job);
      if (job.member !== 6) return;
      // The archive waits for this member: the ones before it are in <path>.tmp by now.
      await new Promise((r) => setTimeout(r, 100));
      partial = (await stat(`${path}.tmp`)).size;
      throw new Error("injected: the spill file went away");
    });
    try {
      await expect(writer.close(NO_STATS)).rejects.toThrow(/injected/);
    } finally {
      spy.mockRestore();
    }
    // Six members had been written (their zip and .npy headers alone take over 1 KB).
    expect(partial).toBeGreaterThan(1000);
    const left = await readdir(dir);
    expect(left).toContain("late-failure.npz.journal");
    expect(left).not.toContain("late-failure.npz.tmp");
    expect(left).not.toContain("late-failure.npz.journal.z");
    // The .npz on disk is still a complete one (the empty one made at open).
    expect((await dumpNpz(python!, path)).testzip).toBeNull();
    const [result] = await recoverNpz(path);
    expect({ outcome: result!.outcome, transitions: result!.transitions }).toEqual({
      outcome: "recovered",
      transitions: 17,
    });
    expect((await dumpNpz(python!, path)).arrays.states!.shape).toEqual([17, 3]);
  });

  it("compresses as it goes with deferCompression false (the same arrays)", async () => {
    const path = join(dir, "eager.npz");
    const { expected, during } = await recordCartPoles(
      path,
      { deferCompression: false, rebuildRatio: 0 },
      12,
      900,
    );
    // Compressed per batch of episodes as they come (tiny CartPole batches gain little).
    const [z, raw] = during["terminals.npy"]!;
    expect(z).toBeLessThan(raw);
    expectArrays(await dumpNpz(python!, path), expected, false);
  });
});
