import { status as Code } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { RemoteError } from "../../client/errors.js";
import { pythonJson } from "../helpers/python-json.js";
import { testDir } from "../helpers/temp-dir.js";
import { startTestServer, useRecordingServer } from "../helpers/test-server.js";

// Python's zipfile, as numpy.load opens an .npz: each member's method and sizes.
const ZIP_MEMBERS = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    print(json.dumps({i.filename: [i.compress_type, i.compress_size, i.file_size] for i in z.infolist()}))
    assert z.testzip() is None
`;

type Members = Record<string, [method: number, compressed: number, raw: number]>;

describe("a recording's compression level", () => {
  const fx = useRecordingServer("gymrpc-rec-level-");

  /** Records 400 CartPole steps to `name` and returns its members as zipfile lists them. */
  async function recordNpz(name: string, compressionLevel?: number): Promise<Members> {
    const env = await fx.t.client.makeVec("CartPole-v1", 4, {
      record: { name, ...(compressionLevel === undefined ? {} : { compressionLevel }) },
    });
    await env.reset({ seed: 3 });
    for (let k = 0; k < 100; k++) await env.step(Uint8Array.of(k & 1, 1, 0, (k >> 1) & 1));
    const stats = await env.stopRecording();
    await env.close();
    expect(stats.totalSteps).toBeGreaterThan(300);
    return pythonJson<Members>(ZIP_MEMBERS, [stats.outputPath]);
  }

  it("stores npz members at level 0 (as np.savez) and deflates them harder at 9", async () => {
    const stored = await recordNpz("stored.npz", 0);
    const byDefault = await recordNpz("default.npz");
    const best = await recordNpz("best.npz", 9);
    // Same arrays every time (same seed and actions): the raw sizes agree.
    for (const m of Object.keys(byDefault)) {
      expect(stored[m]![2]).toBe(byDefault[m]![2]);
      expect(best[m]![2]).toBe(byDefault[m]![2]);
    }
    // Level 0: stored deflate blocks (method 8, as the writer always uses), no smaller than the data.
    for (const [method, compressed, raw] of Object.values(stored)) {
      expect(method).toBe(8);
      expect(compressed).toBeGreaterThanOrEqual(raw);
    }
    // episode_ids repeat for a whole episode: deflated by default, more so at level 9.
    const ids = "episode_ids.npy";
    expect(byDefault[ids]![1]).toBeLessThan(byDefault[ids]![2] / 4);
    expect(best[ids]![1]).toBeLessThanOrEqual(byDefault[ids]![1]);
  });

  it("refuses a level outside 0-9 or one the format cannot take, naming the field", async () => {
    const cases: [string, number, RegExp][] = [
      ["bad.npz", 10, /0 \(none\) to 9, got 10/],
      ["bad.h5", -1, /0 \(none\) to 9, got -1/],
      ["bad.jsonl", 3, /record jsonl\.gz to compress it/],
      ["bad.jsonl.gz", 0, /record jsonl for uncompressed lines/],
    ];
    for (const [name, compressionLevel, message] of cases) {
      const err = await fx.t.client
        .make("CartPole-v1", { record: { name, compressionLevel } })
        .catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(RemoteError);
      expect((err as RemoteError).code).toBe(Code.INVALID_ARGUMENT);
      expect((err as RemoteError).field).toBe("record.compression_level");
      expect((err as RemoteError).message).toMatch(message);
    }
    // A fraction is refused by the client before it is truncated on the wire.
    await expect(
      fx.t.client.make("CartPole-v1", { record: { name: "half.npz", compressionLevel: 1.5 } }),
    ).rejects.toThrow(/compressionLevel must be an integer, got 1.5/);
    // No dataset was left behind (the name is free), and the server goes on serving.
    const env = await fx.t.client.make("CartPole-v1", { record: { name: "bad.jsonl" } });
    await env.reset({ seed: 0 });
    await env.step(0);
    // The one step is written as a partial (truncated) episode.
    expect((await env.stopRecording()).totalSteps).toBe(1);
    await env.close();
  });
});

describe("a server recording every session (serve --record-format --record-compression)", () => {
  it("uses its level for the sessions that set none, and a session's own level otherwise", async () => {
    const dir = testDir("gymrpc-rec-all-");
    const t = await startTestServer({
      recordDir: dir,
      recordAllFormat: "npz",
      recordAllCompression: 0,
    });
    try {
      const members = async (record?: { name: string; compressionLevel: number }) => {
        const env = await t.client.makeVec("CartPole-v1", 2, record ? { record } : {});
        await env.reset({ seed: 1 });
        for (let k = 0; k < 60; k++) await env.step(Uint8Array.of(k & 1, 0));
        const stats = await env.stopRecording();
        await env.close();
        return pythonJson<Members>(ZIP_MEMBERS, [stats.outputPath]);
      };
      const ids = "episode_ids.npy";
      const byServer = await members();
      expect(byServer[ids]![1]).toBeGreaterThanOrEqual(byServer[ids]![2]);
      const own = await members({ name: "own.npz", compressionLevel: 6 });
      expect(own[ids]![1]).toBeLessThan(own[ids]![2] / 4);
    } finally {
      await t.stop();
    }
  });

  it("refuses at start a level its format cannot take", async () => {
    const dir = testDir("gymrpc-rec-all-");
    await expect(
      startTestServer({ recordDir: dir, recordAllFormat: "jsonl", recordAllCompression: 4 }),
    ).rejects.toThrow(/compression_level: jsonl is plain text/);
  });
});
