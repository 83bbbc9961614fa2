import { readFileSync } from "node:fs";
import { join } from "node:path";
import { status as Code } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { RemoteError } from "../../client/errors.js";
import { SEED_001_JSONL_KEYS } from "../helpers/jsonl-schema.js";
import { pythonJson } from "../helpers/python-json.js";
import { useRecordingServer } from "../helpers/test-server.js";

const READ_JSONL = `
import gzip, json, sys
path = sys.argv[1]
opener = gzip.open if path.endswith(".gz") else open
with opener(path, "rt") as f:
    rows = [json.loads(line) for line in f]
print(json.dumps({"n": len(rows), "keys": sorted(rows[0].keys()) if rows else [], "rows": rows[:3],
                  "terminal_meta": [r["meta"]["terminated"] or r["meta"]["truncated"] for r in rows],
                  "rewards": [r["reward"] for r in rows]}))
`;

describe("recording to JSONL", () => {
  const fx = useRecordingServer("gymrpc-rec-");

  it("writes the seed's schema, read back by Python's json, with policy metadata and stats", async () => {
    const env = await fx.t.client.make("CartPole-v1", {
      record: { name: "cartpole/offline.jsonl", policyId: "heuristic" },
    });
    expect(env.recording?.active).toBe(true);
    let steps = 0;
    let rewardSum = 0;
    for (let ep = 0; ep < 3; ep++) {
      let obs = (await env.reset({ seed: ep })).observation as Float32Array;
      for (;;) {
        const greedy = obs[2]! + obs[3]! > 0 ? 1 : 0;
        const r = await env.step(greedy, {
          behaviorProb: 0.95,
          greedyAction: greedy,
          wasExploratory: false,
          epsilon: 0.05,
        });
        obs = r.observation as Float32Array;
        steps++;
        rewardSum += r.reward;
        if (r.terminated || r.truncated) break;
      }
    }
    const stats = await env.stopRecording();
    expect(stats.totalEpisodes).toBe(3);
    expect(stats.totalSteps).toBe(steps);
    expect(stats.meanReward).toBeCloseTo(rewardSum / 3);
    expect(stats.format).toBe("jsonl");
    expect(stats.outputPath).toBe(join(fx.dir, "cartpole/offline.jsonl"));
    expect(stats.fileSizeMb).toBeGreaterThan(0);
    // Read back with Python's own json module, as the seed's users do.
    const read = pythonJson<{
      n: number;
      keys: string[];
      rows: {
        t: number;
        seed: number;
        state: number[];
        action: number;
        meta: Record<string, unknown>;
      }[];
      terminal_meta: boolean[];
    }>(READ_JSONL, [stats.outputPath]);
    expect(read.n).toBe(steps);
    // Python reports them sorted.
    expect(read.keys).toEqual([...SEED_001_JSONL_KEYS].sort());
    expect(read.rows[0]!.t).toBe(0);
    expect(read.rows[0]!.seed).toBe(0);
    expect(read.rows[0]!.state).toHaveLength(4);
    expect(read.rows[0]!.meta).toMatchObject({
      behavior_prob: 0.95,
      was_exploratory: false,
      epsilon: 0.05,
      policy_id: "heuristic",
      episode_id: 0,
      step: 0,
    });
    expect(read.terminal_meta.filter(Boolean)).toHaveLength(3);
    const episodes = readFileSync(join(fx.dir, "cartpole/offline.episodes.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(episodes).toHaveLength(3);
    expect(["terminated", "truncated"]).toContain(episodes[0].termination_reason);
    expect(episodes[0].length).toBe(episodes[0].returns_to_go.length);
    expect(episodes[0].returns_to_go[0]).toBe(episodes[0].total_return);
    expect(episodes[0].trajectory_hash).toMatch(/^[0-9a-f]{64}$/);
    await env.close();
  });

  it("records a vectorized session as per-sub-env episodes in jsonl.gz, and a remote client can record it", async () => {
    const vec = await fx.t.client.makeVec("CartPole-v1", 4, { maxEpisodeSteps: 20 });
    const sessions = await fx.t.client.listSessions();
    const mine = sessions.find((s) => s.sessionId === vec.sessionId);
    expect(mine?.numEnvs).toBe(4);
    // Another client starts the recording of this session.
    const status = await fx.t.client.startRecording(vec.sessionId, { name: "vec.jsonl.gz" });
    expect(status.active).toBe(true);
    await vec.reset({ seed: 1 });
    for (let i = 0; i < 50; i++) await vec.step(new Uint8Array(4).fill(i % 2));
    const stats = await fx.t.client.stopRecording(vec.sessionId);
    // 50 steps with autoresets after every 20: each sub-env finishes 2 episodes, then a partial one is cut.
    expect(stats.totalEpisodes).toBeGreaterThanOrEqual(8);
    const read = pythonJson<{ n: number }>(READ_JSONL, [stats.outputPath]);
    expect(read.n).toBe(stats.totalSteps);
    await vec.close();
  });

  it("refuses names outside the record directory and existing datasets, naming the field", async () => {
    for (const name of ["/etc/passwd.jsonl", "../escape.jsonl", "a/../../b.jsonl"]) {
      const err = await fx.t.client
        .make("CartPole-v1", { record: { name } })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as RemoteError).code).toBe(Code.INVALID_ARGUMENT);
      expect((err as RemoteError).field).toBe("record.name");
    }
    const env = await fx.t.client.make("CartPole-v1", { record: { name: "once.jsonl" } });
    await env.close();
    const again = await fx.t.client
      .make("CartPole-v1", { record: { name: "once.jsonl" } })
      .catch((e: unknown) => e);
    expect((again as RemoteError).message).toMatch(/already exists/);
    const ok = await fx.t.client.make("CartPole-v1", {
      record: { name: "once.jsonl", overwrite: true },
    });
    await ok.close();
  });
});
