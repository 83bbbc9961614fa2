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

/** In-process env-steps/s of batched CartPole-v1 with recording off, through a null writer, and to npz. */
export async function inProcessRecordingRates(
  numEnvs = 1024,
  steps = 2000,
  only?: readonly string[],
): Promise<Record<string, number>> {
  const registry = createDefaultRegistry();
  const rng = createRng(2);
  const batches = Array.from({ length: 16 }, () =>
    Uint8Array.from({ length: numEnvs }, () => rng.integers(0, 2)),
  );
  const dir = await mkdtemp(join(tmpdir(), "gymrpc-rec-bench-"));
  const out: Record<string, number> = {};
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
      env.detach("recording_stopped");
      await recorder?.close();
      out[name] = (steps * numEnvs) / ((performance.now() - start) / 1000);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rates = await inProcessRecordingRates();
  for (const [k, v] of Object.entries(rates))
    console.log(
      `${k.padEnd(12)} ${Math.round(v).toLocaleString("en-US").padStart(12)} env-steps/s`,
    );
}
