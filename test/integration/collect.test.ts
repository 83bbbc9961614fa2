import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCollect, startCliServer } from "../helpers/cli-server.js";
import { testDir } from "../helpers/temp-dir.js";

const collect = runCollect;

describe("gymrpc collect", () => {
  it("writes the same JSONL dataset byte for byte whatever --num-envs, with the seed's summary line", async () => {
    const dir = testDir("gymrpc-collect-");
    const common = [
      "--env",
      "CartPole-v1",
      "--policy",
      "expert",
      "--epsilon",
      "0.2",
      "--episodes",
      "9",
      "--steps",
      "0",
    ];
    const one = await collect(dir, ...common, "--num-envs", "1", "--out", "a.jsonl");
    await collect(dir, ...common, "--num-envs", "4", "--out", "b.jsonl");
    expect(readFileSync(join(dir, "a.jsonl")).equals(readFileSync(join(dir, "b.jsonl")))).toBe(
      true,
    );
    const lines = readFileSync(join(dir, "a.jsonl"), "utf8").trim().split("\n");
    expect(one.stdout).toContain(
      `Saved expert dataset to ${join(dir, "a.jsonl")} with ${lines.length} samples (state_dim=4, action_dim=1)`,
    );
    expect(one.stdout).toMatch(/Episodes:\s+9/);
    const first = JSON.parse(lines[0]!);
    expect(first.meta.epsilon).toBe(0.2);
    expect([0.9, 0.1]).toContain(first.meta.behavior_prob);
  }, 60_000);

  it("seed 000's command: expert_dataset.npz with states (2500, 12) and actions (2500, 10) float32, the same bytes on every run and --num-envs", async () => {
    const dir = testDir("gymrpc-collect-");
    const cmd = [
      "--env",
      "SdnRouting-v0",
      "--episodes",
      "50",
      "--steps",
      "50",
      "--policy",
      "random",
      "--seed",
      "42",
    ];
    const out = await collect(dir, ...cmd, "--out", "expert_dataset.npz");
    expect(out.stdout).toContain("with 2500 samples (state_dim=12, action_dim=10)");
    await collect(dir, ...cmd, "--out", "again.npz", "--num-envs", "1");
    await collect(dir, ...cmd, "--out", "third.npz", "--num-envs", "7");
    const bytes = readFileSync(join(dir, "expert_dataset.npz"));
    expect(bytes.equals(readFileSync(join(dir, "again.npz")))).toBe(true);
    expect(bytes.equals(readFileSync(join(dir, "third.npz")))).toBe(true);
    const python = join(ROOT, ".venv", "bin", "python");
    // numpy comes with the repo's .venv, which `npm test` sets up before vitest runs.
    if (existsSync(python)) {
      const read = execFileSync(
        python,
        [
          "-c",
          "import numpy as np, sys; d = np.load(sys.argv[1]); print(d['states'].shape, d['states'].dtype, d['actions'].shape, d['actions'].dtype)",
          join(dir, "expert_dataset.npz"),
        ],
        { encoding: "utf8" },
      );
      expect(read.trim()).toBe("(2500, 12) float32 (2500, 10) float32");
    }
  }, 90_000);

  it("rejects bad flags before any work starts", async () => {
    const dir = testDir("gymrpc-collect-");
    const fail = (args: string[]) =>
      collect(dir, ...args).then(
        () => "",
        (e: { stderr: string; code: number }) => `${e.code} ${e.stderr}`,
      );
    expect(await fail(["--env", "CartPol-v1"])).toMatch(
      /^2 .*unknown env "CartPol-v1".*CartPole-v1/s,
    );
    expect(await fail(["--env", "Pendulum-v1", "--policy", "ksp-ff"])).toMatch(
      /no "ksp-ff" policy; use one of zeros, random, expert/,
    );
    expect(await fail(["--env", "CartPole-v1", "--out", "data.csv"])).toMatch(
      /--out: .*cannot tell the dataset format/,
    );
    expect(await fail(["--env", "CartPole-v1", "--config", "sutton_barto_rewards=true"])).toMatch(
      /sutton_barto_reward/,
    );
    expect(
      await fail(["--env", "SdnRouting-v0", "--ryu", "http://127.0.0.1:9", "--num-envs", "4"]),
    ).toMatch(/^2 .*--num-envs must be 1 with a Ryu controller \(backend=ryu\), got 4/s);
    expect(await fail(["--env", "CartPole-v1", "--compression-level", "-1"])).toMatch(
      /--compression-level must be an integer >= 0/,
    );
    expect(
      await fail(["--env", "CartPole-v1", "--out", "a.jsonl", "--compression-level", "3"]),
    ).toMatch(/^2 .*compression_level: jsonl is plain text/s);
    expect(existsSync(join(dir, "a.jsonl"))).toBe(false);
  }, 60_000);

  it("records on a separate server with --server, inside that server's record directory", async () => {
    const records = testDir("gymrpc-records-");
    const server = await startCliServer(["--record-dir", records]);
    try {
      const cwd = testDir("gymrpc-collect-");
      const out = await collect(
        cwd,
        "--env",
        "MountainCar-v0",
        "--policy",
        "random",
        "--episodes",
        "2",
        "--steps",
        "25",
        "--server",
        server.address,
        "--out",
        "runs/mc.jsonl",
      );
      expect(out.stdout).toContain(
        `Saved expert dataset to ${join(records, "runs", "mc.jsonl")} with 50 samples (state_dim=2, action_dim=1)`,
      );
      expect(
        readFileSync(join(records, "runs", "mc.jsonl"), "utf8")
          .trim()
          .split("\n"),
      ).toHaveLength(50);
      const outside = await collect(
        cwd,
        "--env",
        "MountainCar-v0",
        "--server",
        server.address,
        "--out",
        "../x.jsonl",
      ).then(
        () => "",
        (e: { stderr: string }) => e.stderr,
      );
      expect(outside).toMatch(/record\.name.*\.\./);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited();
    }
  }, 60_000);
});
