import { pathToFileURL } from "node:url";
import { startChild } from "./child-process.js";
import { vectorThroughput } from "./gym-client-bench.js";

/** Recording on vs off for one env and sub-env count (means over alternating runs). */
export interface RecordingCost {
  readonly envId: string;
  readonly numEnvs: number;
  /** env-steps/s unrecorded. */
  readonly off: number;
  /** env-steps/s recorded to `format`. */
  readonly on: number;
  /** 1 - on / off. */
  readonly cost: number;
  /** Seconds each recording session's close took (it finishes the dataset). */
  readonly closeSeconds: number[];
}

/**
 * Recording cost of a vectorized step loop over gRPC (a server in another
 * process) for each sub-env count: `rounds` alternating off/on runs of about
 * `seconds` each, recording to `format` (the close, which finishes the file, is
 * not part of the step loop).
 */
export async function recordingCostSweep(
  target: string,
  envId: string,
  sizes: readonly number[],
  opts: { seconds: number; rounds: number; format: string },
): Promise<RecordingCost[]> {
  const out: RecordingCost[] = [];
  for (const n of sizes) {
    let off = 0;
    let on = 0;
    const closeSeconds: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      off += (await vectorThroughput(target, n, opts.seconds, undefined, envId)).stepsPerSecond;
      const record = { name: `cost-${envId}-${n}.${opts.format}`, overwrite: true };
      const recorded = await vectorThroughput(target, n, opts.seconds, record, envId);
      on += recorded.stepsPerSecond;
      closeSeconds.push(recorded.closeSeconds);
    }
    out.push({
      envId,
      numEnvs: n,
      off: off / opts.rounds,
      on: on / opts.rounds,
      cost: 1 - on / off,
      closeSeconds,
    });
  }
  return out;
}

/** Prints a sweep as a table. */
export function printRecordingCosts(rows: readonly RecordingCost[]): void {
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(12);
  for (const r of rows) {
    console.log(
      `  ${r.envId.padEnd(14)} ${String(r.numEnvs).padStart(5)} envs   off ${fmt(r.off)}   on ${fmt(r.on)} env-steps/s   cost ${(r.cost * 100).toFixed(1).padStart(5)}%`,
    );
  }
}

// `node dist/bench/recording-cost-bench.js [ENV] [n,n,...] [format]`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [envId = "SdnRouting-v0", sizes = "1,16,64,256", format = "npz"] = process.argv.slice(2);
  const server = await startChild<{ tcp: string }>("./gym-server-process.js");
  try {
    const rows = await recordingCostSweep(server.info.tcp, envId, sizes.split(",").map(Number), {
      seconds: 1.5,
      rounds: 2,
      format,
    });
    printRecordingCosts(rows);
  } finally {
    await server.stop();
  }
}
