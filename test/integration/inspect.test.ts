import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { formatSummary, inspectDataset } from "../../recorders/inspect/inspect.js";
import { BIN, runCollect } from "../helpers/cli-server.js";
import { testDir } from "../helpers/temp-dir.js";

const run = promisify(execFile);

describe("gymrpc inspect", () => {
  it.each([
    ["x.npz", "states", [60, 3], "float32"],
    ["x.jsonl", "state", [60, 3], "number"],
    ["x.jsonl.gz", "next_state", [60, 3], "number"],
    ["x.h5", "episode_{i}/observations", [60, 3], "float32"],
    ["x.d4rl.h5", "observations", [60, 3], "float32"],
    ["x-minari", "episode_{i}/observations", [63, 3], "float32"],
  ])(
    "summarizes %s written by a real recording",
    async (name, array, shape, dtype) => {
      const dir = testDir("gymrpc-inspect-");
      await runCollect(
        dir,
        "--env",
        "Pendulum-v1",
        "--episodes",
        "3",
        "--steps",
        "20",
        "--out",
        name,
      );
      const s = await inspectDataset(join(dir, name));
      expect(s.totalEpisodes).toBe(3);
      expect(s.totalSteps).toBe(60);
      expect(s.meanEpisodeLength).toBe(20);
      expect(s.meanReward).toBeLessThan(0);
      expect(s.fileSizeMb).toBeGreaterThan(0);
      expect(s.arrays.find((a) => a.name === array)).toMatchObject({ shape, dtype });
      const text = formatSummary(s);
      expect(text).toMatch(/Episodes:\s+3/);
      const cli = await run(process.execPath, [BIN, "inspect", join(dir, name)]);
      expect(cli.stdout).toBe(`${text}\n`);
    },
    60_000,
  );

  it.each([
    ["c.npz", "0", "states", "stored"],
    ["c.npz", "6", "episode_ids", /^deflate \d+(\.\d)?%$/],
    ["c.h5", "0", "episode_{i}/observations", "none"],
    ["c.h5", undefined, "episode_{i}/observations", "gzip 4"],
    ["c.d4rl.h5", "7", "observations", "gzip 7"],
    ["c.d4rl.h5", undefined, "observations", "none"],
  ])(
    "reports how %s at level %s stores %s: %s",
    async (name, level, array, compression) => {
      const dir = testDir("gymrpc-inspect-");
      const args = ["--env", "Pendulum-v1", "--episodes", "2", "--steps", "20", "--out", name];
      if (level !== undefined) args.push("--compression-level", level);
      await runCollect(dir, ...args);
      const s = await inspectDataset(join(dir, name));
      const a = s.arrays.find((x) => x.name === array);
      if (typeof compression === "string") expect(a?.compression).toBe(compression);
      else expect(a?.compression).toMatch(compression);
      expect(formatSummary(s)).toContain(`${a?.compression}`);
    },
    60_000,
  );

  it("says clearly when a path is not a dataset", async () => {
    await expect(inspectDataset("/nonexistent/x.npz")).rejects.toThrow(/no dataset at/);
    const dir = testDir("gymrpc-inspect-");
    await expect(inspectDataset(dir)).rejects.toThrow(/not a Minari dataset/);
  });
});
