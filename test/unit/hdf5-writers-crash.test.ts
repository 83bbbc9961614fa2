import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { shutdownH5Workers } from "../../recorders/writers/h5-host.js";
import {
  findH5Journals,
  h5JournalOf,
  recoverH5Dataset,
} from "../../recorders/writers/h5-recovery.js";
import { openHdf5Writer } from "../../recorders/writers/hdf5-writer.js";
import { contextOf, recordEpisodes } from "../helpers/h5-episodes.js";
import { dumpH5, findH5Python, readWithPython } from "../helpers/h5-python.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CHILD = join(ROOT, "test/helpers/kill-child.ts");
const found = findH5Python();
const python = "python" in found ? found.python : "";
const dir = mkdtempSync(join(tmpdir(), "gymrpc-h5-kill-"));
afterAll(async () => {
  await shutdownH5Workers();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child until it reports `atLeast` durable episodes, then SIGKILLs it after a random delay. */
function runAndKill(format: string, out: string, atLeast: number): Promise<Map<number, number>> {
  return new Promise((resolvePromise, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, format, out], {
      cwd: ROOT,
    });
    const durable = new Map<number, number>();
    let buf = "";
    let err = "";
    let armed = false;
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) {
        const [word, id, len] = line.split(" ");
        if (word === "durable") durable.set(Number(id), Number(len));
      }
      if (!armed && durable.size >= atLeast) {
        armed = true;
        setTimeout(() => child.kill("SIGKILL"), Math.random() * 150);
      }
    });
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolvePromise(durable);
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

describe.skipIf(!python)("HDF5 writers after SIGKILL", () => {
  it("hdf5: every episode durable before the kill is readable by h5py after recovery", async () => {
    const out = join(dir, "killed.h5");
    const durable = await runAndKill("hdf5", out, 3);
    expect(h5JournalOf(out)).toBe(`${out}.journal`);
    expect(await findH5Journals(dir)).toContain(`${out}.journal`);
    const result = await recoverH5Dataset(out);
    expect(result?.format).toBe("hdf5");
    expect(existsSync(`${out}.journal`)).toBe(false);
    const d = await dumpH5(python, out);
    const root = d["/"]!;
    expect(root.attrs).toMatchObject({
      recovered: 1,
      complete: 1,
      total_episodes: result!.stats!.totalEpisodes,
    });
    expect(result!.stats!.totalEpisodes).toBeGreaterThanOrEqual(durable.size);
    for (const [id, len] of durable) {
      expect(d[`episode_${id}/actions`]?.shape).toEqual([len]);
      expect(d[`episode_${id}/observations`]?.shape).toEqual([len, 4]);
      expect(d[`episode_${id}/terminations`]?.dtype).toBe("bool");
      expect(d[`episode_${id}`]?.attrs.length).toBe(len);
    }
    // Nothing left to recover.
    expect(await recoverH5Dataset(out)).toBeUndefined();
  }, 120_000);

  it("d4rl: every episode durable before the kill is in the flat datasets after recovery", async () => {
    const out = join(dir, "killed.d4rl.h5");
    const durable = await runAndKill("d4rl", out, 3);
    const result = await recoverH5Dataset(out);
    expect(result?.format).toBe("d4rl");
    expect(existsSync(`${out}.journal`)).toBe(false);
    const d = await dumpH5(python, out);
    expect(d["/"]!.attrs).toMatchObject({ recovered: 1, complete: 1 });
    const ids = d["episodes/id"]!.values as number[];
    const lengths = d["episodes/length"]!.values as number[];
    const starts = d["episodes/start"]!.values as number[];
    expect(ids.length).toBe(result!.stats!.totalEpisodes);
    expect(ids.length).toBeGreaterThanOrEqual(durable.size);
    for (const [id, len] of durable) expect(lengths[ids.indexOf(id)]).toBe(len);
    const N = lengths.reduce((a, b) => a + b, 0);
    expect(starts).toEqual(lengths.map((_, i) => lengths.slice(0, i).reduce((a, b) => a + b, 0)));
    expect(d.observations?.shape).toEqual([N, 4]);
    expect(d.terminals).toMatchObject({ shape: [N], dtype: "bool" });
  }, 120_000);

  it("minari: the recovered dataset opens with minari.load_dataset", async () => {
    const out = join(dir, "killed-minari-v0");
    const durable = await runAndKill("minari", out, 3);
    const result = await recoverH5Dataset(out);
    expect(result?.format).toBe("minari");
    const m = await readWithPython<{
      total_episodes: number;
      episodes: { actions: { shape: number[] } }[];
    }>(python, ["minari", dir, "killed-minari-v0"]);
    expect(m.total_episodes).toBe(result!.stats!.totalEpisodes);
    expect(m.total_episodes).toBeGreaterThanOrEqual(durable.size);
    for (const [id, len] of durable) expect(m.episodes[id]?.actions.shape).toEqual([len]);
  }, 120_000);

  it("a clean close leaves no journal", async () => {
    const env = createDefaultRegistry().make("CartPole-v1");
    const ctx = contextOf(env, "CartPole-v1");
    const out = join(dir, "clean.h5");
    const writer = await openHdf5Writer(out, ctx);
    expect(existsSync(`${out}.journal`)).toBe(true);
    // A live writer's journal is left alone; other writers' journals are not ours.
    expect(await recoverH5Dataset(out)).toMatchObject({ skipped: true, stats: undefined });
    expect(existsSync(`${out}.journal`)).toBe(true);
    writeFileSync(join(dir, "other.npz.journal"), "not ours");
    expect(await findH5Journals(dir)).not.toContain(join(dir, "other.npz.journal"));
    await recordEpisodes(env, writer, ctx, 2, () => 0);
    expect(existsSync(`${out}.journal`)).toBe(false);
    expect(await recoverH5Dataset(out)).toBeUndefined();
  });
});
