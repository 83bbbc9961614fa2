import { pathToFileURL } from "node:url";
import { connect, type GymClient } from "../client/connect.js";
import { processCpuSeconds, startChild } from "./child-process.js";
import { actionBatches } from "./gym-client-bench.js";
import { type MedianInterval, medianInterval, passRates, quartiles } from "./stats.js";

/** Recording on vs off for one env and sub-env count (rates: means over the phases). */
export interface RecordingCost {
  readonly envId: string;
  readonly numEnvs: number;
  /** env-steps/s unrecorded. */
  readonly off: number;
  /** env-steps/s recorded to `format`. */
  readonly on: number;
  /** 1 - the median over rounds of on / off (each round's pair run back to back). */
  readonly cost: number;
  /** The middle half of the rounds' costs (1 - on / off): their first and third quartiles. */
  readonly costQuartiles: readonly [number, number];
  /**
   * A 95% confidence interval of `cost` (medianInterval over the rounds' costs): whether a
   * figure beside a target says anything on this machine's noise.
   */
  readonly costInterval: MedianInterval;
  /**
   * 1 - the median of the rounds' on / off ratios over the phases' first `warmSeconds`
   * (a recording's start), which `cost` leaves out; undefined without them.
   */
  readonly startCost: number | undefined;
  /**
   * The server's CPU time per env-step recorded over unrecorded, minus 1 (every thread:
   * compression and writes too); robust to the machine's noise where rates are not.
   * Undefined without the server's pid or /proc.
   */
  readonly serverCpuCost: number | undefined;
  /** Seconds each stopRecording took (it finishes the dataset). */
  readonly closeSeconds: number[];
  /** True for an A/A control (RecordingCostOptions.control): neither phase recorded. */
  readonly control: boolean;
}

/** How recordingCostSweep measures. */
export interface RecordingCostOptions {
  /** Seconds per phase, and pairs of phases. */
  readonly seconds: number;
  /**
   * Seconds each phase steps first, after its startRecording or stopRecording, timed apart
   * (0: none): `cost` is then a long recording's steady state, and `startCost` the cost of a
   * recording's start (its file's open, JIT re-warming after the control RPCs).
   */
  readonly warmSeconds?: number;
  readonly rounds: number;
  readonly format: string;
  /** The recordings' compression level (unset: the format's default). */
  readonly compressionLevel?: number;
  /** The server's pid, for its CPU time (/proc). */
  readonly serverPid?: number;
  /**
   * Record in neither phase (an A/A control): the cost the machine's noise alone makes of
   * two identical phases, measured as the real one is.
   */
  readonly control?: boolean;
}

/**
 * Recording cost of a vectorized step loop over gRPC (a server in another
 * process) for each sub-env count, on one live session of `envId` per count:
 * `rounds` pairs of phases of about `seconds` each, one unrecorded and one
 * recorded to `format` (startRecording before it, stopRecording after it, both
 * untimed; odd rounds record first, so a drift in the machine's speed
 * cancels). With `warmSeconds`, each phase first steps that long, timed apart
 * (`startCost`): `cost` is then a long recording's steady state. Phases of one
 * session, back to back, see the same process, JIT and machine load, where
 * separate sessions' runs on a shared machine differ by tens of percent; the
 * cost is 1 - the median of the rounds' on/off ratios.
 */
export async function recordingCostSweep(
  target: string,
  envId: string,
  sizes: readonly number[],
  opts: RecordingCostOptions,
): Promise<RecordingCost[]> {
  const out: RecordingCost[] = [];
  const client = connect(target);
  try {
    for (const n of sizes) out.push(await toggledCost(client, envId, n, opts));
  } finally {
    client.close();
  }
  return out;
}

async function toggledCost(
  client: GymClient,
  envId: string,
  n: number,
  opts: RecordingCostOptions,
): Promise<RecordingCost> {
  const env = await client.makeVec(envId, n);
  try {
    await env.reset({ seed: 0 });
    const batches = actionBatches(env.singleActionSpace, n);
    let i = 0;
    const steps = async (k: number): Promise<number> => {
      const t0 = performance.now();
      for (let j = 0; j < k; j++) await env.step(batches[i++ & 15]!);
      return (performance.now() - t0) / 1000;
    };
    // Steps per phase from a short calibration (which also warms the JIT up), in whole
    // cycles of an episode at the env's step limit and its autoreset step: sub-envs that
    // end their episodes together (as SdnRouting-v0's 50-step ones do) then end and reset
    // as often in every phase.
    const perStep = (await steps(200)) / 200;
    const cycle = env.spec.maxEpisodeSteps === undefined ? 1 : env.spec.maxEpisodeSteps + 1;
    const cycles = (seconds: number) => Math.round(Math.max(100, seconds / perStep) / cycle);
    const k = Math.max(1, cycles(opts.seconds)) * cycle;
    const warm = opts.warmSeconds ? Math.max(1, cycles(opts.warmSeconds)) * cycle : 0;
    const closeSeconds: number[] = [];
    const cpu = () =>
      opts.serverPid === undefined ? undefined : processCpuSeconds(opts.serverPid);
    const cpuSeconds = { off: 0, on: 0 };
    const warmRates = { off: 0, on: 0 };
    const startRatios: number[] = [];
    const phase = async (record: boolean): Promise<number> => {
      const recording = record && !opts.control;
      if (recording)
        await env.startRecording({
          name: `cost-${envId}-${n}.${opts.format}`,
          overwrite: true,
          ...(opts.compressionLevel === undefined
            ? {}
            : { compressionLevel: opts.compressionLevel }),
        });
      if (warm > 0) warmRates[record ? "on" : "off"] = (warm * n) / (await steps(warm));
      const before = cpu();
      const took = await steps(k);
      const after = cpu();
      if (before !== undefined && after !== undefined)
        cpuSeconds[record ? "on" : "off"] += after - before;
      if (recording) {
        const t = performance.now();
        await env.stopRecording();
        closeSeconds.push((performance.now() - t) / 1000);
      }
      return (k * n) / took;
    };
    await phase(true);
    closeSeconds.length = 0;
    cpuSeconds.on = 0;
    let off = 0;
    let on = 0;
    const ratios: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      const first = await phase(r % 2 === 1);
      const second = await phase(r % 2 === 0);
      const [offRate, onRate] = r % 2 ? [second, first] : [first, second];
      off += offRate;
      on += onRate;
      ratios.push(onRate / offRate);
      if (warm > 0) startRatios.push(warmRates.on / warmRates.off);
    }
    const costs = ratios.map((x) => 1 - x);
    return {
      envId,
      numEnvs: n,
      off: off / opts.rounds,
      on: on / opts.rounds,
      cost: 1 - passRates(ratios).median,
      costQuartiles: quartiles(costs),
      costInterval: medianInterval(costs),
      startCost: startRatios.length > 0 ? 1 - passRates(startRatios).median : undefined,
      // Both kinds of phase ran as many steps: the ratio of their CPU times is per step.
      serverCpuCost: cpuSeconds.off > 0 ? cpuSeconds.on / cpuSeconds.off - 1 : undefined,
      closeSeconds,
      control: opts.control === true,
    };
  } finally {
    await env.close();
  }
}

/** "96% CI 1.2% to 8.1%": a cost's confidence interval and its actual coverage. */
export function formatCostInterval(i: MedianInterval): string {
  return `${Math.floor(i.coverage * 100)}% CI ${(i.lo * 100).toFixed(1)}% to ${(i.hi * 100).toFixed(1)}%`;
}

/** Prints a sweep as a table. */
export function printRecordingCosts(rows: readonly RecordingCost[]): void {
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(12);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const r of rows) {
    console.log(
      `  ${r.envId.padEnd(14)} ${String(r.numEnvs).padStart(5)} envs   off ${fmt(r.off)}   on ${fmt(r.on)} env-steps/s   cost ${(r.cost * 100).toFixed(1).padStart(5)}% (${formatCostInterval(r.costInterval)}; rounds' middle half ${pct(r.costQuartiles[0])} to ${pct(r.costQuartiles[1])})` +
        (r.serverCpuCost === undefined
          ? ""
          : `   server CPU per step ${r.serverCpuCost >= 0 ? "+" : ""}${(r.serverCpuCost * 100).toFixed(1)}%`) +
        (r.startCost === undefined
          ? ""
          : `   (${r.control ? "each phase's start" : "a recording's start"}: cost ${pct(r.startCost)})`),
    );
  }
}

// `node dist/bench/recording-cost-bench.js [ENV] [n,n,...] [format]` (CONTROL=1: the A/A control)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [envId = "SdnRouting-v0", sizes = "1,16,64,256", format = "npz"] = process.argv.slice(2);
  const server = await startChild<{ tcp: string }>("./gym-server-process.js");
  try {
    const rows = await recordingCostSweep(server.info.tcp, envId, sizes.split(",").map(Number), {
      serverPid: server.pid,
      seconds: Number(process.env.PHASE_SECONDS ?? 1),
      warmSeconds: Number(process.env.WARM_SECONDS ?? 0),
      rounds: Number(process.env.ROUNDS ?? 12),
      format,
      control: process.env.CONTROL === "1",
    });
    printRecordingCosts(rows);
  } finally {
    await server.stop();
  }
}
