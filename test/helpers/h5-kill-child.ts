// Child process of the HDF5 kill test: records CartPole episodes with an HDF5-based writer
// until killed, printing "durable <episode id> <length>" once each writeEpisode has resolved.
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { Recorder } from "../../recorders/recorder.js";
import { RecordingEnv } from "../../recorders/recording-env.js";
import type { DatasetWriter, RecordingContext } from "../../recorders/types.js";
import { WRITERS } from "../../recorders/writers/index.js";

const [format, out] = process.argv.slice(2) as ["hdf5" | "d4rl" | "minari", string];
const env = new RecordingEnv(createDefaultRegistry().make("CartPole-v1"));
const ctx: RecordingContext = {
  envId: "CartPole-v1",
  config: {},
  observationSpace: env.observationSpace,
  actionSpace: env.actionSpace,
  policyId: "kill-test",
  metadata: {},
};
const inner = await WRITERS[format]!(out, ctx);
const writer: DatasetWriter = {
  format: inner.format,
  path: inner.path,
  writeEpisode: async (ep) => {
    await inner.writeEpisode(ep);
    process.stdout.write(`durable ${ep.meta.episodeId} ${ep.meta.length}\n`);
  },
  close: (stats) => inner.close(stats),
};
env.attach(new Recorder(writer, ctx));
process.stdout.write("ready\n");
for (let k = 0; ; k++) {
  await env.reset({ seed: k });
  for (let t = 0; ; t++) {
    const r = await env.step((k * 7 + t * 13 + ((t * t) >> 2)) % 2);
    if (r.terminated || r.truncated) break;
  }
  // Let the writer's messages through between episodes, as a server's event loop would.
  await new Promise((r) => setImmediate(r));
}
