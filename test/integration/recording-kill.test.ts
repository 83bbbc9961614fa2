import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, startCliServer, waitFor } from "../helpers/cli-server.js";

const PYTHON = join(ROOT, ".venv", "bin", "python");

// Episode counts as numpy, h5py and minari see them.
const COUNT = `
import json, sys
import numpy as np, h5py
d = sys.argv[1]
out = {}
with np.load(d + "/k.npz") as z:
    out["npz"] = int(len(np.unique(z["episode_ids"]))) if len(z["episode_ids"]) else 0
    out["npz_steps"] = int(z["states"].shape[0])
with h5py.File(d + "/k.h5", "r") as f:
    eps = [k for k in f.keys() if k.startswith("episode_")]
    out["h5"] = len(eps)
    out["h5_steps"] = int(sum(f[k]["actions"].shape[0] for k in eps))
import minari
out["minari"] = minari.MinariDataset(d + "/km/data").total_episodes
print(json.dumps(out))
`;

describe("a killed recording server loses no finished episode", () => {
  // Needs the repo's .venv (numpy, h5py, minari), which `npm test` sets up before vitest runs.
  it.skipIf(!existsSync(PYTHON))(
    "SIGKILL mid-run: after the restart's recovery numpy, h5py and minari read every episode a client saw end",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "gymrpc-kill9-"));
      const server = await startCliServer(["--record-dir", dir]);
      // A separate client process steps three recorded sessions and reports every episode end.
      const driver = spawn(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `
          import { connect } from ${JSON.stringify(join(ROOT, "dist/client/connect.js"))};
          const c = connect(${JSON.stringify(server.address)});
          const names = ["k.npz", "k.h5", "km"];
          const envs = await Promise.all(names.map((name) => c.make("CartPole-v1", { record: { name } })));
          for (const e of envs) await e.reset({ seed: 0 });
          const ended = [0, 0, 0];
          for (;;) {
            for (const [i, e] of envs.entries()) {
              const r = await e.step(Math.random() < 0.5 ? 0 : 1);
              if (r.terminated || r.truncated) { ended[i]++; console.log(JSON.stringify(ended)); await e.reset(); }
            }
          }`,
        ],
        { stdio: ["ignore", "pipe", "ignore"] },
      );
      let out = "";
      driver.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      const seen = (): number[] => JSON.parse(out.trim().split("\n").pop() || "[0,0,0]");
      await waitFor(() => Math.min(...seen()) >= 3, 30_000);
      await new Promise((r) => setTimeout(r, Math.random() * 100));
      server.child.kill("SIGKILL");
      await server.exited();
      driver.kill("SIGKILL");
      const ended = seen();
      // A new server on the same directory rebuilds the journals before it serves.
      const again = await startCliServer(["--record-dir", dir]);
      const recovered = again.log().filter((l) => l.msg === "dataset recovery");
      again.child.kill("SIGTERM");
      await again.exited();
      expect(recovered.length).toBeGreaterThanOrEqual(3);
      const script = join(dir, "count.py");
      writeFileSync(script, COUNT);
      const counts = JSON.parse(
        execFileSync(PYTHON, [script, dir], { encoding: "utf8" }),
      ) as Record<string, number>;
      expect(counts.npz).toBeGreaterThanOrEqual(ended[0]!);
      expect(counts.h5).toBeGreaterThanOrEqual(ended[1]!);
      expect(counts.minari).toBeGreaterThanOrEqual(ended[2]!);
    },
    90_000,
  );
});
