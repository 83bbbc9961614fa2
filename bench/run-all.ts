import { mkdirSync, writeFileSync } from "node:fs";
import { crc32Implementation } from "../recorders/writers/crc32.js";
import { withDefaults } from "../recorders/writers/npz-options.js";
import { startChild } from "./child-process.js";
import { http2Floor, tcpFloor } from "./floors.js";
import { streamStepLatency, unaryStepLatency, vectorThroughput } from "./gym-client-bench.js";
import { hdf5PassRates, hdf5TransitionsPerSecond } from "./hdf5-writer-bench.js";
import { inProcessStepRates } from "./in-process-bench.js";
import { jsonlPassRates } from "./jsonl-writer-bench.js";
import { npzDeflateCeiling, npzVariantRates } from "./npz-writer-bench.js";
import { runOpticalBench, SEED_RATE } from "./optical-bench.js";
import { runPythonBench } from "./python-bench-runner.js";
import { inProcessRecordingRates } from "./recording-bench.js";
import {
  formatCostInterval,
  printRecordingCosts,
  recordingCostSweep,
} from "./recording-cost-bench.js";
import { runRobotBench } from "./robot-bench.js";
import { formatPassRates, type LatencyStats, WRITER_WARMUP_PASSES } from "./stats.js";

// `npm run bench`: every figure of the foundation in one run, so ratios compare like with like.
const quick = process.argv.includes("--quick");
const ITER = quick ? 3000 : 20000;
const SECONDS = quick ? 1 : 3;

const us = (v: number) => `${v.toFixed(1)} µs`;
const row = (name: string, s: LatencyStats) =>
  console.log(`  ${name.padEnd(34)} p50 ${us(s.p50).padStart(10)}   p99 ${us(s.p99).padStart(10)}`);

console.log("gymrpc benchmark (server and echo peers in separate processes, loopback)\n");
const echo = await startChild<{ tcp: number; http2: number }>("./echo-server-process.js");
const gym = await startChild<{ tcp: string; uds: string }>("./gym-server-process.js");
const results: Record<string, unknown> = {};
try {
  console.log("Round trip, one message at a time:");
  const tcp = await tcpFloor(echo.info.tcp, ITER);
  row("raw TCP ping-pong (floor)", tcp);
  const h2 = await http2Floor(echo.info.http2, ITER);
  row("node:http2 stream ping-pong (floor)", h2);
  const streamTcp = await streamStepLatency(gym.info.tcp, ITER);
  row("CartPole step, Session stream, TCP", streamTcp);
  const streamUds = await streamStepLatency(`unix:${gym.info.uds.slice(5)}`, ITER);
  row("CartPole step, Session stream, UDS", streamUds);
  const unary = await unaryStepLatency(gym.info.tcp, ITER);
  row("CartPole step, unary, TCP", unary);
  Object.assign(results, { tcp, h2, streamTcp, streamUds, unary });

  console.log(
    "\nVectorized CartPole over the Session stream (TCP), TS client process -> server process:",
  );
  const vec = [];
  for (const n of [1, 64, 256, 1024]) {
    const r = await vectorThroughput(gym.info.tcp, n, SECONDS);
    vec.push(r);
    console.log(
      `  num_envs ${String(n).padStart(5)}   ${Math.round(r.stepsPerSecond).toLocaleString("en-US").padStart(12)} env-steps/s` +
        `   p50 ${us(r.latency.p50).padStart(10)}   p99 ${us(r.latency.p99).padStart(10)}   p99/p50 ${(r.latency.p99 / r.latency.p50).toFixed(2)}`,
    );
  }
  results.vector = vec;

  console.log(
    `\nRecording: writer throughput for seed 000's shape (12-float obs, 10-float action; CRC-32: ${crc32Implementation}):`,
  );
  // Figures printed beside a writer's rate; the npz figure's deflate ceiling.
  const notes: Record<string, string> = {};
  let deflateCeiling = 0;
  let storedNpz = 0;
  const writers: [string, () => Promise<number>][] = [
    [
      "npz",
      async () => {
        const n = quick ? 100_000 : 200_000;
        const v = await npzVariantRates(n, quick ? 1 : 5, quick ? 1 : WRITER_WARMUP_PASSES);
        // What zlib alone allows here, for the same arrays: the npz figure's ceiling.
        deflateCeiling = await npzDeflateCeiling(n, "random", 2, withDefaults({}).minSaving);
        const everyPiece = await npzDeflateCeiling(n, "random", 2, 0);
        const all = v["every piece deflated (minSaving 0)"];
        const stored = v["stored (level 0)"];
        storedNpz = stored.median;
        const bpt = (b: number) => `${b.toFixed(1)} B/transition`;
        const synced = v["journal fdatasync'd per batch"];
        notes.npz =
          `median of ${formatPassRates(v.defaults)}, ${bpt(v.defaults.bytesPerTransition)}; ` +
          `journal fdatasync'd: ${formatPassRates(synced)}; ` +
          `every piece deflated: ${formatPassRates(all)}, ${bpt(all.bytesPerTransition)}; ` +
          `stored: ${formatPassRates(stored)}, ${bpt(stored.bytesPerTransition)}; ` +
          `deflate alone, every core, nothing else: ${(deflateCeiling / 1e6).toFixed(2)}M with the writer's minSaving, ${(everyPiece / 1e6).toFixed(2)}M every piece`;
        results.npzVariants = v;
        results.npzDeflateEveryPiece = everyPiece;
        return v.defaults.median;
      },
    ],
    ["hdf5 (uncompressed)", () => hdf5TransitionsPerSecond({ compressed: false })],
    ["hdf5 (gzip)", () => hdf5TransitionsPerSecond({ compressed: true })],
    [
      "d4rl flat hdf5 (uncompressed)",
      // 1M transitions (a small D4RL dataset): at 200k the pass still carries JIT warm-up.
      async () => {
        const r = await hdf5PassRates({
          compressed: false,
          format: "d4rl",
          transitions: quick ? 200_000 : 1_000_000,
          passes: quick ? 1 : 5,
          warmup: quick ? 1 : WRITER_WARMUP_PASSES,
        });
        notes["d4rl flat hdf5 (uncompressed)"] = `median of ${formatPassRates(r)}`;
        results.d4rlPasses = r.passes;
        return r.median;
      },
    ],
    ...(["jsonl", "jsonl.gz"] as const).map((name): [string, () => Promise<number>] => [
      name,
      async () => {
        // jsonl.gz (no target) takes ~5 s a pass: one timed pass after one untimed one.
        const slow = quick || name === "jsonl.gz";
        const r = await jsonlPassRates(
          { gz: name === "jsonl.gz", transitions: quick ? 50_000 : 200_000 },
          slow ? 1 : 5,
          slow ? 1 : WRITER_WARMUP_PASSES,
        );
        if (r.passes.length > 1) notes[name] = `median of ${formatPassRates(r)}`;
        return r.median;
      },
    ]),
  ];
  const writerRates: Record<string, number> = {};
  for (const [name, f] of writers) {
    writerRates[name] = await f();
    const note = notes[name];
    console.log(
      `  ${name.padEnd(22)} ${Math.round(writerRates[name]!).toLocaleString("en-US").padStart(12)} transitions/s${note ? `   (${note})` : ""}`,
    );
  }
  results.npzDeflateCeiling = deflateCeiling;
  results.writers = writerRates;

  console.log(
    "\nVectorized CartPole at 1024 envs over gRPC, recording off vs on (npz: journaled raw while stepping, compressed in the background), alternating phases of one session:",
  );
  const [big] = await recordingCostSweep(gym.info.tcp, "CartPole-v1", [1024], {
    seconds: 0.5,
    rounds: quick ? 2 : 6,
    format: "npz",
    serverPid: gym.pid,
  });
  const recOff = big!.off;
  const recOn = big!.on;
  console.log(
    `  recording off  ${Math.round(recOff).toLocaleString("en-US").padStart(12)} env-steps/s`,
  );
  console.log(
    `  recording on   ${Math.round(recOn).toLocaleString("en-US").padStart(12)} env-steps/s   (cost ${(big!.cost * 100).toFixed(1)}%)`,
  );
  console.log(
    `  (each stopRecording, which compresses the dataset: ${big!.closeSeconds.map((x) => `${x.toFixed(2)} s`).join(", ")})`,
  );
  results.recording = { off: recOff, on: recOn, closeSeconds: big!.closeSeconds };

  console.log(
    "\nRecording cost by sub-env count over gRPC (npz), alternating off/on phases of one session per count, cost from the median pair: SdnRouting-v0 (seed 000's env and shape, 50-step episodes; the target's measure) and CartPole-v1 (~22-step episodes of a ~0.1 us step: the recorder's worst case):",
  );
  const seedCounts = quick ? [1, 64] : [1, 16, 64];
  // Phases of 1 s after 0.5 s timed apart: a recording's first second (its open, the JIT
  // re-warming after the control RPCs) costs more than the rest of a long recording.
  const seedOptions = {
    seconds: quick ? 0.5 : 1,
    warmSeconds: 0.5,
    rounds: quick ? 2 : 12,
    format: "npz",
    serverPid: gym.pid,
  };
  const seedCosts = await recordingCostSweep(
    gym.info.tcp,
    "SdnRouting-v0",
    seedCounts,
    seedOptions,
  );
  const costs = [
    ...seedCosts,
    ...(await recordingCostSweep(gym.info.tcp, "CartPole-v1", quick ? [1, 64] : [1, 16, 64, 256], {
      seconds: 0.5,
      rounds: quick ? 2 : 4,
      format: "npz",
      serverPid: gym.pid,
    })),
  ];
  printRecordingCosts(costs);
  results.recordingCost = costs;
  console.log(
    "\nThe same, SdnRouting-v0 to npz with compression level 0 (members stored, as np.savez: no background deflate):",
  );
  const storedCosts = await recordingCostSweep(gym.info.tcp, "SdnRouting-v0", [64], {
    ...seedOptions,
    compressionLevel: 0,
  });
  printRecordingCosts(storedCosts);
  results.recordingCostStored = storedCosts;
  console.log(
    "\nThe A/A control: SdnRouting-v0 measured as above, recording in neither phase (the cost this machine's noise alone makes of two identical phases):",
  );
  const controlCosts = await recordingCostSweep(gym.info.tcp, "SdnRouting-v0", seedCounts, {
    ...seedOptions,
    control: true,
  });
  printRecordingCosts(controlCosts);
  results.recordingCostControl = controlCosts;

  console.log(
    "\nRecording in process (no gRPC), batched CartPole at 1024 envs: the recorder alone (a writer that keeps nothing) and npz:",
  );
  const inRec = await inProcessRecordingRates(1024, quick ? 1000 : 3000);
  const fmtRate = (x: number) => Math.round(x).toLocaleString("en-US").padStart(12);
  for (const [name, r] of Object.entries(inRec)) {
    console.log(
      `  ${name.padEnd(12)} step loop ${fmtRate(r.loop)} env-steps/s   to the end of close ${fmtRate(r.withClose)}   (close ${r.closeSeconds.toFixed(2)} s)`,
    );
  }
  results.recordingInProcess = inRec;

  const python = runPythonBench(gym.info.tcp, quick);
  if (python) {
    console.log("\nPython client (same server), and Gymnasium in process:");
    const ps = python.python_stream_step as { p50_us: number; p99_us: number };
    console.log(
      `  CartPole step, Session stream, TCP   p50 ${us(ps.p50_us).padStart(10)}   p99 ${us(ps.p99_us).padStart(10)}`,
    );
    for (const v of python.python_vector as {
      num_envs: number;
      env_steps_per_second: number;
      p99_us: number;
    }[]) {
      console.log(
        `  gymrpc vectorized, ${String(v.num_envs).padStart(4)} envs     ${Math.round(v.env_steps_per_second).toLocaleString("en-US").padStart(12)} env-steps/s   p99 ${us(v.p99_us)}`,
      );
    }
    console.log(
      `  gymnasium gym.make CartPole-v1       ${Math.round(
        python.gymnasium_single_steps_per_second as number,
      )
        .toLocaleString("en-US")
        .padStart(12)} steps/s`,
    );
    for (const v of python.gymnasium_vector as {
      num_envs: number;
      env_steps_per_second: number;
    }[]) {
      console.log(
        `  gymnasium vector_entry_point, ${String(v.num_envs).padStart(4)}   ${Math.round(v.env_steps_per_second).toLocaleString("en-US").padStart(12)} env-steps/s`,
      );
    }
    results.python = python;
  } else {
    console.log("\nPython client: skipped (no .venv; run `npm test` once to create it)");
  }

  const inproc = inProcessStepRates(SECONDS);
  console.log("\nIn process, no gRPC:");
  console.log(
    `  CartPole-v1 (make, wrapped)        ${Math.round(inproc.single).toLocaleString("en-US").padStart(12)} steps/s`,
  );
  console.log(
    `  CartPole-v1 vectorized, 1024 envs  ${Math.round(inproc.vector1024).toLocaleString("en-US").padStart(12)} env-steps/s`,
  );
  results.inProcess = inproc;

  const optical = await runOpticalBench(quick);
  results.optical = optical;
  results.robot = await runRobotBench(SECONDS, quick ? 20 : 100);

  const v256 = vec.find((v) => v.numEnvs === 256)!;
  const v1024 = vec.find((v) => v.numEnvs === 1024)!;
  const checks: [string, boolean, string][] = [
    [
      "stream p50 <= 2x node:http2 floor",
      streamTcp.p50 <= 2 * h2.p50,
      `${(streamTcp.p50 / h2.p50).toFixed(2)}x`,
    ],
    [
      "256 envs >= 1,000,000 env-steps/s",
      v256.stepsPerSecond >= 1e6,
      `${(v256.stepsPerSecond / 1e6).toFixed(2)}M`,
    ],
    [
      "1024 envs >= 2,000,000 env-steps/s",
      v1024.stepsPerSecond >= 2e6,
      `${(v1024.stepsPerSecond / 1e6).toFixed(2)}M`,
    ],
    [
      "1024 envs p99 <= 3x p50",
      v1024.latency.p99 <= 3 * v1024.latency.p50,
      `${(v1024.latency.p99 / v1024.latency.p50).toFixed(2)}x`,
    ],
  ];
  if (python) {
    const p1024 = (
      python.python_vector as { num_envs: number; env_steps_per_second: number }[]
    ).find((v) => v.num_envs === 1024);
    const pStep = (python.python_stream_step as { p50_us: number }).p50_us;
    checks.push(
      [
        "python 1024 envs >= 1,000,000 env-steps/s",
        (p1024?.env_steps_per_second ?? 0) >= 1e6,
        `${((p1024?.env_steps_per_second ?? 0) / 1e6).toFixed(2)}M`,
      ],
      [
        "python step p50 <= 2x TS client's",
        pStep <= 2 * streamTcp.p50,
        `${(pStep / streamTcp.p50).toFixed(2)}x`,
      ],
    );
  }
  checks.push(
    [
      "npz >= 3,000,000 transitions/s",
      (writerRates.npz ?? 0) >= 3e6,
      `${((writerRates.npz ?? 0) / 1e6).toFixed(2)}M; stored, no deflate at all: ${(storedNpz / 1e6).toFixed(2)}M; deflate alone allows ${(deflateCeiling / 1e6).toFixed(2)}M here`,
    ],
    [
      "hdf5 uncompressed >= 3,000,000 transitions/s (D4RL flat layout)",
      (writerRates["d4rl flat hdf5 (uncompressed)"] ?? 0) >= 3e6,
      `${((writerRates["d4rl flat hdf5 (uncompressed)"] ?? 0) / 1e6).toFixed(2)}M (per-episode layout ${((writerRates["hdf5 (uncompressed)"] ?? 0) / 1e3).toFixed(0)}k)`,
    ],
    [
      "jsonl >= 200,000 transitions/s",
      (writerRates.jsonl ?? 0) >= 2e5,
      `${((writerRates.jsonl ?? 0) / 1e3).toFixed(0)}k`,
    ],
    [
      "optical >= 100,000 decisions/s in process",
      (optical.decisionsPerSecond ?? 0) >= 1e5,
      `${((optical.decisionsPerSecond ?? 0) / 1e3).toFixed(0)}k`,
    ],
    [
      "optical collect -> JSONL >= 20x 50,000/min (collect's defaults)",
      (optical.ratioToSeed ?? 0) >= 20,
      `${(optical.ratioToSeed ?? 0).toFixed(1)}x (--num-envs 16: ${((optical.collectRecorded16 ?? 0) / SEED_RATE).toFixed(1)}x)`,
    ],
    [
      "recording costs <= 5% of step throughput (SdnRouting-v0, every sub-env count, after a recording's first 0.5 s)",
      seedCosts.every((c) => c.cost <= 0.05),
      `${seedCosts.map((c) => `${c.numEnvs} envs ${(c.cost * 100).toFixed(1)}% (${formatCostInterval(c.costInterval)}${c.serverCpuCost === undefined ? "" : `; server CPU ${(c.serverCpuCost * 100).toFixed(1)}%`})`).join(", ")}; the interval's top is <= 5% at ${seedCosts.filter((c) => c.costInterval.hi <= 0.05).length} of ${seedCosts.length} counts; first 0.5 s: ${seedCosts.map((c) => `${((c.startCost ?? Number.NaN) * 100).toFixed(1)}%`).join(" / ")}; A/A control, recording in neither phase: ${controlCosts.map((c) => `${(c.cost * 100).toFixed(1)}%`).join(" / ")}; CartPole-v1 1024 envs, worst case: ${((1 - recOn / recOff) * 100).toFixed(1)}%`,
    ],
  );
  console.log("\nTargets:");
  for (const [name, ok, got] of checks)
    console.log(`  ${ok ? "MET " : "MISS"}  ${name.padEnd(38)} (${got})`);
  results.targets = checks.map(([name, ok, got]) => ({ name, ok, got }));
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/latest.json", `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await echo.stop();
  await gym.stop();
}
