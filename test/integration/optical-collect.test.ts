import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers/cli-server.js";
import { SEED_001_JSONL_KEYS } from "../helpers/jsonl-schema.js";
import { testDir } from "../helpers/temp-dir.js";

const run = promisify(execFile);

/** Runs `gymrpc collect` in `cwd`. */
function collect(cwd: string, ...args: string[]) {
  return run(process.execPath, [BIN, "collect", "--quiet", ...args], {
    cwd,
    env: { ...process.env, FORCE_COLOR: "0" },
  });
}

interface Transition {
  state: Record<string, unknown>;
  action: number;
  action_mask: boolean[];
  meta: Record<string, unknown>;
}

function read(path: string): Transition[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Transition);
}

const META = [
  "decision_time_ms",
  "restoration_latency_ms",
  "bp_window_tag",
  "backup_available",
  "was_groomed",
];
// Seed 001's state in its order, then the mask the issue also puts in the observation.
const STATE = [
  "src",
  "dst",
  "slots_needed",
  "est_remaining_time",
  "is_disaster",
  "paths",
  "action_mask",
];
const PATH = [
  "path_hops",
  "min_residual_slots",
  "frag_indicator",
  "failure_mask",
  "dist_to_disaster_centroid",
];

describe("seed 001 acceptance: gymrpc collect --env OpticalRouting-v0", () => {
  it("creates offline_data.jsonl (episodes of the env's 1000 requests) whose transitions match the schema with every meta field", async () => {
    const dir = testDir("gymrpc-optical-");
    const out = await collect(
      dir,
      ...["--env", "OpticalRouting-v0", "--policy", "ksp-ff", "--epsilon-mix", "0.1"],
      ...["--episodes", "5", "--out", "offline_data.jsonl"],
    );
    expect(existsSync(join(dir, "offline_data.jsonl"))).toBe(true);
    expect(out.stdout).toMatch(/Saved expert dataset to .*offline_data\.jsonl with 5000 samples/);
    const rows = read(join(dir, "offline_data.jsonl"));
    expect(rows).toHaveLength(5000);
    const first = JSON.parse(readFileSync(join(dir, "offline_data.jsonl"), "utf8").split("\n")[0]!);
    expect(Object.keys(first)).toEqual(SEED_001_JSONL_KEYS);
    expect(first.t).toBe(0);
    expect(first.seed).toBe(0);
    for (const r of rows) {
      expect(Object.keys(r.state)).toEqual(STATE);
      for (const k of STATE.slice(0, 5)) expect(typeof r.state[k]).toBe("number");
      const paths = r.state.paths as Record<string, unknown>[];
      expect(paths).toHaveLength(4);
      for (const p of paths) {
        expect(Object.keys(p)).toEqual(PATH);
        for (const k of PATH) expect(typeof p[k]).toBe("number");
      }
      expect(r.state.action_mask).toEqual(r.action_mask.map(Number));
      for (const k of META) expect(r.meta).toHaveProperty(k);
      expect(r.action_mask).toHaveLength(4);
      expect(r.action_mask.every((m) => typeof m === "boolean")).toBe(true);
      expect(["pre", "fail", "post"]).toContain(r.meta.bp_window_tag);
      expect(r.meta.epsilon).toBe(0.1);
      expect([0.9, 0.1, 1]).toContain(r.meta.behavior_prob);
    }
    expect(first.state.paths[0].path_hops).toBeGreaterThan(0);
    // collect turns on measure_time: decision times are measured, not 0.
    expect(rows.some((r) => Number(r.meta.decision_time_ms) > 0)).toBe(true);
    expect([1, -1]).toContain(first.reward);
  }, 120_000);

  it("ε = 1.0 always takes the second feasible path and ε = 0 the first", async () => {
    const dir = testDir("gymrpc-optical-");
    const common = ["--env", "OpticalRouting-v0", "--policy", "ksp-ff", "--episodes", "4"];
    await collect(dir, ...common, "--epsilon-mix", "1.0", "--out", "one.jsonl");
    await collect(dir, ...common, "--epsilon-mix", "0", "--out", "zero.jsonl");
    let second = 0;
    for (const [file, pick] of [
      ["one.jsonl", 1],
      ["zero.jsonl", 0],
    ] as const) {
      for (const r of read(join(dir, file))) {
        const feasible = r.action_mask.flatMap((m, i) => (m ? [i] : []));
        const expected = feasible[feasible.length >= 2 ? pick : 0] ?? 0;
        expect(r.action).toBe(expected);
        expect(r.meta.greedy_action).toBe(feasible[0] ?? 0);
        if (pick === 1 && feasible.length >= 2) {
          second++;
          expect(r.meta.behavior_prob).toBe(1);
          expect(r.meta.was_exploratory).toBe(true);
        }
      }
    }
    expect(second).toBeGreaterThan(100);
  }, 120_000);

  it("records random over feasible paths with μ = 1/#feasible, and refuses bad flags", async () => {
    const dir = testDir("gymrpc-optical-");
    const env = ["--env", "OpticalRouting-v0"];
    await collect(dir, ...env, "--policy", "random", "--episodes", "2", "--out", "r.jsonl");
    for (const r of read(join(dir, "r.jsonl"))) {
      const feasible = r.action_mask.filter(Boolean).length;
      if (feasible > 0) {
        expect(r.action_mask[r.action]).toBe(true);
        expect(r.meta.behavior_prob).toBeCloseTo(1 / feasible, 12);
      }
    }
    for (const bad of [
      ["--policy", "expert"],
      ["--policy", "ksp-ff", "--epsilon", "0.1"],
      ["--policy", "random", "--epsilon-mix", "0.1"],
      ["--policy", "ksp-ff", "--epsilon-mix", "1.5"],
    ]) {
      await expect(collect(dir, ...env, ...bad, "--out", "bad.jsonl")).rejects.toThrow();
    }
    await expect(
      collect(dir, "--env", "CartPole-v1", "--epsilon-mix", "0.1", "--out", "c.jsonl"),
    ).rejects.toThrow(/epsilon-mix/);
  }, 120_000);
});
