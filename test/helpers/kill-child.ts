// Child process of the kill tests: records CartPole episodes in FORMAT (npz, hdf5, d4rl,
// minari) to OUT until killed, printing "durable <episode id> <length>" once each episode's
// writeEpisode has resolved. For npz, RATIO is the writer's rebuildRatio (default 10).
import { createDefaultRegistry } from "../../envs/default-registry.js";
import { Recorder } from "../../recorders/recorder.js";
import { RecordingEnv } from "../../recorders/recording-env.js";
import type { DatasetWriter, RecordingContext } from "../../recorders/types.js";
import { WRITERS } from "../../recorders/writers/index.js";
import { npzWriterFactory } from "../../recorders/writers/npz-writer.js";
import { cartPoleAction } from "./npz-episodes.js";

const [format, out, ratio] = process.argv.slice(2) as [keyof typeof WRITERS, string, string?];
const env = new RecordingEnv(createDefaultRegistry().make("CartPole-v1"));
const ctx: RecordingContext = {
  envId: "CartPole-v1",
  config: {},
  observationSpace: env.observationSpace,
  actionSpace: env.actionSpace,
  policyId: "kill-test",
  metadata: {},
};
const factory =
  format === "npz" ? npzWriterFactory({ rebuildRatio: Number(ratio ?? 10) }) : WRITERS[format];
if (!factory) throw new Error(`no writer for format ${format}`);
const inner = await factory(out, ctx);
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
    const r = await env.step(cartPoleAction(k, t));
    if (r.terminated || r.truncated) break;
  }
  // Let the writer's I/O and messages through between episodes, as a server's event loop would.
  await new Promise((r) => setImmediate(r));
}
