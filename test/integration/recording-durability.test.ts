import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { status as Code } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { connect } from "../../client/connect.js";
import { RemoteError } from "../../client/errors.js";
import { startCliServer, waitFor } from "../helpers/cli-server.js";
import { spawnEpisodeDriver } from "../helpers/episode-driver.js";
import { pythonJson } from "../helpers/python-json.js";
import { testDir } from "../helpers/temp-dir.js";
import { useRecordingServer } from "../helpers/test-server.js";

// Counts what Python's json / gzip modules can read of a JSONL dataset and its episode index.
const COUNT = `
import gzip, json, sys, os
path = sys.argv[1]
opener = gzip.open if path.endswith(".gz") else open
n = 0
with opener(path, "rt") as f:
    for line in f:
        json.loads(line); n += 1
side = path[: -len(".jsonl.gz")] + ".episodes.jsonl.gz" if path.endswith(".gz") else path[: -len(".jsonl")] + ".episodes.jsonl"
eps = [json.loads(l) for l in opener(side, "rt")] if os.path.exists(side) else []
print(json.dumps({"lines": n, "episodes": [[e["length"], e["termination_reason"]] for e in eps]}))
`;

function pyCount(path: string): { lines: number; episodes: [number, string][] } {
  return pythonJson(COUNT, [path]);
}

describe("recording keeps every finished episode", () => {
  const fx = useRecordingServer("gymrpc-dur-");

  it("writes a partial episode as truncated with reason client_disconnected", async () => {
    const client = connect(fx.t.address);
    const env = await client.make("CartPole-v1", { record: { name: "gone.jsonl" } });
    await env.reset({ seed: 0 });
    for (let i = 0; i < 7; i++) await env.step(i % 2);
    client.close(); // cancels the stream without a close request
    await waitFor(() => fx.t.server.sessions.size === 0, 5000);
    await fx.t.server.sessions.recordingsFinished();
    const read = pyCount(join(fx.dir, "gone.jsonl"));
    expect(read.lines).toBe(7);
    expect(read.episodes).toEqual([[7, "client_disconnected"]]);
  });

  it("refuses a dataset whose directory cannot be made, naming the path, and keeps serving", async () => {
    writeFileSync(join(fx.dir, "blocker"), "a file where a directory should be");
    const err = await fx.t.client
      .make("CartPole-v1", { record: { name: "blocker/x.jsonl" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).message).toContain(join(fx.dir, "blocker", "x.jsonl"));
    expect(fx.t.server.sessions.size).toBe(0);
    const env = await fx.t.client.make("CartPole-v1");
    await env.reset({ seed: 0 });
    expect((await env.step(0)).reward).toBe(1);
    await env.close();
  });

  it("reports a full disk on the session's next call with RESOURCE_EXHAUSTED naming the path; the session and others go on", async (ctx) => {
    const small = join(fx.dir, "small");
    mkdirSync(small);
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", small], { stdio: "ignore" });
    } catch {
      ctx.skip("cannot mount a small tmpfs here to fill the disk (needs root and mount)");
    }
    try {
      const other = await fx.t.client.make("CartPole-v1");
      await other.reset({ seed: 1 });
      const env = await fx.t.client.make("Pendulum-v1", { record: { name: "small/full.jsonl" } });
      await env.reset({ seed: 0 });
      let failure: unknown;
      for (let i = 0; i < 2000 && !failure; i++) {
        try {
          await env.step(Float32Array.of(0.5));
          await new Promise((r) => setImmediate(r));
        } catch (e) {
          failure = e;
        }
      }
      expect(failure).toBeInstanceOf(RemoteError);
      expect((failure as RemoteError).code).toBe(Code.RESOURCE_EXHAUSTED);
      expect((failure as RemoteError).message).toContain(join(small, "full.jsonl"));
      // The session keeps working without its recording, and so does the other one.
      await env.step(Float32Array.of(0.5));
      expect((await other.step(0)).reward).toBe(1);
      await env.close();
      await other.close();
    } finally {
      await fx.t.server.sessions.recordingsFinished();
      execFileSync("umount", ["-l", small], { stdio: "ignore" });
    }
  });
});

describe("recording survives the server being stopped", () => {
  it("closes every dataset cleanly on SIGTERM", async () => {
    const dir = testDir("gymrpc-term-");
    const server = await startCliServer(["--record-dir", dir]);
    const client = connect(server.address);
    const a = await client.make("CartPole-v1", { record: { name: "a.jsonl" } });
    const b = await client.make("CartPole-v1", { record: { name: "b.jsonl.gz" } });
    for (const env of [a, b]) {
      await env.reset({ seed: 3 });
      for (let i = 0; i < 5; i++) await env.step(i % 2);
    }
    server.child.kill("SIGTERM");
    expect(await server.exited()).toBe(0);
    client.close();
    for (const name of ["a.jsonl", "b.jsonl.gz"]) {
      const read = pyCount(join(dir, name));
      expect(read.lines).toBe(5);
      expect(read.episodes).toEqual([[5, "server_shutdown"]]);
    }
  });

  it("leaves every line written before a SIGKILL readable (jsonl and jsonl.gz)", async () => {
    const dir = testDir("gymrpc-kill-");
    const server = await startCliServer(["--record-dir", dir]);
    // A separate client process drives episodes until the server dies, reporting finished ones.
    const driver = spawnEpisodeDriver(server.address, ["k.jsonl", "k.jsonl.gz"]);
    await waitFor(() => driver.endedPerEnv()[1]! >= 3, 20_000);
    await new Promise((r) => setTimeout(r, Math.random() * 50));
    server.child.kill("SIGKILL");
    await server.exited();
    driver.child.kill("SIGKILL");
    const finished = driver.ends();
    const stepsDone = (env: number) =>
      Math.max(0, ...finished.filter((d) => d.env === env).map((d) => d.steps));
    const plain = pyCount(join(dir, "k.jsonl"));
    const gz = pyCount(join(dir, "k.jsonl.gz"));
    expect(plain.lines).toBeGreaterThanOrEqual(stepsDone(0));
    expect(gz.lines).toBeGreaterThanOrEqual(stepsDone(1));
    expect(gz.episodes.length).toBeGreaterThanOrEqual(finished.filter((d) => d.env === 1).length);
    expect(readFileSync(join(dir, "k.jsonl"), "utf8").endsWith("\n")).toBe(true);
  });
});
