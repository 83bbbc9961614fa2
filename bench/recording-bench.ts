import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRng } from "../envs/core/rng.js";
import { createDefaultRegistry } from "../envs/default-registry.js";
import { Recorder } from "../recorders/recorder.js";
import { RecordingVectorEnv } from "../recorders/recording-vector-env.js";
import type { DatasetWriter, RecordingContext, WriterFactory } from "../recorders/types.js";
import { npzWriterFactory } from "../recorders/writers/npz-writer.js";

/** A writer that keeps nothing: the recorder's own cost. */
const nullWriter: WriterFactory = async (path) =>
  ({
    format: "null",
    path,
    writeEpisode: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }) satisfies DatasetWriter;

/** One recording-bench case: env-steps/s of the step loop, and the close (the dataset's last writes). */
export interface RecordingRate {
  /** env-steps/s while stepping (what the trainer sees). */
  readonly loop: number;
  /** env-steps/s from the first step to the end of close. */
  readonly withClose: number;
  readonly closeSeconds: number;
}

/** In-process env-steps/s of batched CartPole-v1 with recording off, through a null writer, and to npz. */
export async function inProcessRecordingRates(
  numEnvs = 1024,
  steps = 2000,
  only?: readonly string[],
): Promise<Record<string, RecordingRate>> {
  const registry = createDefaultRegistry();
  const rng = createRng(2);
  const batches = Array.from({ length: 16 }, () =>
    Uint8Array.from({ length: numEnvs }, () => rng.integers(0, 2)),
  );
  const dir = await mkdtemp(join(tmpdir(), "gymrpc-rec-bench-"));
  const out: Record<string, RecordingRate> = {};
  try {
    for (const [name, factory] of [
      ["off", undefined],
      ["null writer", nullWriter],
      ["npz", npzWriterFactory({ fdatasync: false })],
    ] as const) {
      if (only && !only.includes(name)) continue;
      const env = new RecordingVectorEnv(registry.makeVec("CartPole-v1", numEnvs));
      let recorder: Recorder | undefined;
      if (factory) {
        const ctx: RecordingContext = {
          envId: "CartPole-v1",
          config: {},
          observationSpace: env.singleObservationSpace,
          actionSpace: env.singleActionSpace,
          policyId: "bench",
          metadata: {},
        };
        recorder = new Recorder(
          await factory(join(dir, `${name.replace(" ", "-")}.npz`), ctx),
          ctx,
        );
        env.attach(recorder);
      }
      await env.reset({ seed: 0 });
      const start = performance.now();
      for (let k = 0; k < steps; k++) await env.step(batches[k & 15]!);
      const looped = performance.now();
      env.detach("recording_stopped");
      await recorder?.close();
      const end = performance.now();
      out[name] = {
        loop: (steps * numEnvs) / ((looped - start) / 1000),
        withClose: (steps * numEnvs) / ((end - start) / 1000),
        closeSeconds: (end - looped) / 1000,
      };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rates = await inProcessRecordingRates();
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US").padStart(12);
  for (const [k, v] of Object.entries(rates)) {
    console.log(
      `${k.padEnd(12)} loop ${fmt(v.loop)} env-steps/s   with close ${fmt(v.withClose)}   close ${v.closeSeconds.toFixed(3)} s`,
    );
  }
}
