import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { collect } from "../client/collect/collect.js";
import { connect } from "../client/connect.js";
import { createRng } from "../envs/core/rng.js";
import { createDefaultRegistry } from "../envs/default-registry.js";
import { startServer } from "../server/create-server.js";

/** Figures of the robot envs (seed 002). */
export interface RobotBenchResult {
  /** In-process steps/s of each env made by the registry (wrapped), no image. */
  readonly stepsPerSecond: Record<string, number>;
  /** In-process steps/s of RobotReach-v0 with a 64x64 camera image in every observation. */
  readonly reachImage64StepsPerSecond: number;
  /** HDF5 (gzip) bytes per 1,000 recorded steps of scripted RobotReach-v0, without and with 64x64 images. */
  readonly hdf5BytesPer1000Steps: { readonly noImage: number; readonly image64: number };
}

// Random actions from a fixed pool, so the loop measures the env and not the RNG.
function stepRate(id: string, config: Record<string, unknown>, seconds: number): number {
  const env = createDefaultRegistry().make(id, { config });
  const rng = createRng(3);
  const pool = Array.from({ length: 1024 }, () => env.actionSpace.sample(rng) as Float32Array);
  env.reset({ seed: 0 });
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 100; k++) {
      const r = env.step(pool[steps++ & 1023]!);
      if (!(r instanceof Promise) && (r.terminated || r.truncated)) env.reset();
    }
  }
  return steps / ((performance.now() - start) / 1000);
}

// Records scripted episodes through a real server and collector, as `gymrpc collect` does.
async function hdf5BytesPer1000(
  config: Record<string, unknown>,
  episodes: number,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "gymrpc-robot-bench-"));
  const server = await startServer("127.0.0.1:0", {
    registry: createDefaultRegistry(),
    logger: pino({ level: "warn" }),
    recordDir: dir,
  });
  const client = connect(server.address);
  try {
    const { stats } = await collect(client, {
      envId: "RobotReach-v0",
      config: { randomize: true, ...config },
      episodes,
      steps: undefined,
      policy: "expert",
      epsilon: 0,
      seed: 0,
      numEnvs: 8,
      name: "bench.h5",
      overwrite: true,
    });
    return (stats.fileSizeMb * 1024 * 1024 * 1000) / stats.totalSteps;
  } finally {
    client.close();
    await server.shutdown(2000);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures and prints the robot envs' figures (a section of `npm run bench`). */
export async function runRobotBench(seconds: number, episodes = 100): Promise<RobotBenchResult> {
  console.log("\nRobot envs (seed 002), in process, random actions:");
  const stepsPerSecond: Record<string, number> = {};
  for (const id of ["RobotReach-v0", "PickPlace-v0"]) {
    stepsPerSecond[id] = stepRate(id, {}, seconds);
    console.log(
      `  ${`${id} (no image)`.padEnd(34)} ${Math.round(stepsPerSecond[id]!).toLocaleString("en-US").padStart(12)} steps/s`,
    );
  }
  const img = stepRate("RobotReach-v0", { image_width: 64, image_height: 64 }, seconds);
  console.log(
    `  ${"RobotReach-v0 (64x64 image)".padEnd(34)} ${Math.round(img).toLocaleString("en-US").padStart(12)} steps/s`,
  );
  const noImage = await hdf5BytesPer1000({}, episodes);
  const image64 = await hdf5BytesPer1000({ image_width: 64, image_height: 64 }, episodes);
  const mb = (b: number) => `${(b / (1024 * 1024)).toFixed(3)} MB`;
  console.log(
    `  HDF5 (gzip) per 1,000 steps, scripted reach, ${episodes} episodes: ${mb(noImage)} without image, ${mb(image64)} with 64x64 image`,
  );
  return {
    stepsPerSecond,
    reachImage64StepsPerSecond: img,
    hdf5BytesPer1000Steps: { noImage, image64 },
  };
}

// `node dist/bench/robot-bench.js [seconds]`: this section alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runRobotBench(Number(process.argv[2] ?? 3));
}
