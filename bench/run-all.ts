import { mkdirSync, writeFileSync } from "node:fs";
import { startChild } from "./child-process.js";
import { http2Floor, tcpFloor } from "./floors.js";
import { streamStepLatency, unaryStepLatency, vectorThroughput } from "./gym-client-bench.js";
import { inProcessStepRates } from "./in-process-bench.js";
import type { LatencyStats } from "./stats.js";

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

  const inproc = inProcessStepRates(SECONDS);
  console.log("\nIn process, no gRPC:");
  console.log(
    `  CartPole-v1 (make, wrapped)        ${Math.round(inproc.single).toLocaleString("en-US").padStart(12)} steps/s`,
  );
  console.log(
    `  CartPole-v1 vectorized, 1024 envs  ${Math.round(inproc.vector1024).toLocaleString("en-US").padStart(12)} env-steps/s`,
  );
  results.inProcess = inproc;

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
