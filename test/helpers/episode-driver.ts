import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./cli-server.js";

/** An episode end a driver reported: which of its sessions, and that session's steps so far. */
export interface EpisodeEnd {
  readonly env: number;
  readonly steps: number;
}

/** A client process stepping recorded sessions until killed (see spawnEpisodeDriver). */
export interface EpisodeDriver {
  readonly child: ChildProcess;
  /** Every episode end reported so far, in order. */
  ends(): EpisodeEnd[];
  /** Episodes ended so far, per session. */
  endedPerEnv(): number[];
}

/**
 * Starts a separate client process (the kill tests' trainer, which must outlive the server
 * it talks to) that makes one CartPole-v1 session per dataset name, recorded under that
 * name, and steps them in turn with random actions until killed, printing each episode end
 * as soon as the step that ended it returned.
 */
export function spawnEpisodeDriver(address: string, names: readonly string[]): EpisodeDriver {
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `
      import { connect } from ${JSON.stringify(join(ROOT, "dist/client/connect.js"))};
      const c = connect(${JSON.stringify(address)});
      const names = ${JSON.stringify(names)};
      const envs = await Promise.all(names.map((name) => c.make("CartPole-v1", { record: { name } })));
      for (const e of envs) await e.reset({ seed: 0 });
      const steps = envs.map(() => 0);
      for (;;) {
        for (const [i, e] of envs.entries()) {
          const r = await e.step(Math.random() < 0.5 ? 0 : 1);
          steps[i]++;
          if (r.terminated || r.truncated) { console.log(JSON.stringify({ env: i, steps: steps[i] })); await e.reset(); }
        }
      }`,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  // A line cut short by the kill is not an end the test may count on.
  const ends = (): EpisodeEnd[] =>
    out
      .split("\n")
      .slice(0, -1)
      .map((l) => JSON.parse(l) as EpisodeEnd);
  return {
    child,
    ends,
    endedPerEnv: () => names.map((_, i) => ends().filter((e) => e.env === i).length),
  };
}
