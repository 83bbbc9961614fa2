import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, startCliServer, waitFor } from "../helpers/cli-server.js";
import { spawnEpisodeDriver } from "../helpers/episode-driver.js";
import { pythonJson } from "../helpers/python-json.js";
import { testDir } from "../helpers/temp-dir.js";

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
      const dir = testDir("gymrpc-kill9-");
      const server = await startCliServer(["--record-dir", dir]);
      // A separate client process steps three recorded sessions and reports every episode end.
      const driver = spawnEpisodeDriver(server.address, ["k.npz", "k.h5", "km"]);
      await waitFor(() => Math.min(...driver.endedPerEnv()) >= 3, 30_000);
      await new Promise((r) => setTimeout(r, Math.random() * 100));
      server.child.kill("SIGKILL");
      await server.exited();
      driver.child.kill("SIGKILL");
      const ended = driver.endedPerEnv();
      // A new server on the same directory rebuilds the journals before it serves.
      const again = await startCliServer(["--record-dir", dir]);
      const recovered = again.log().filter((l) => l.msg === "dataset recovery");
      again.child.kill("SIGTERM");
      await again.exited();
      expect(recovered.length).toBeGreaterThanOrEqual(3);
      const counts = pythonJson<Record<string, number>>(COUNT, [dir], PYTHON);
      expect(counts.npz).toBeGreaterThanOrEqual(ended[0]!);
      expect(counts.h5).toBeGreaterThanOrEqual(ended[1]!);
      expect(counts.minari).toBeGreaterThanOrEqual(ended[2]!);
    },
    90_000,
  );
});
