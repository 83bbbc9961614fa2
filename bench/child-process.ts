import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A child Node process that printed one JSON line of addresses when ready. */
export interface Child<T> {
  readonly info: T;
  stop(): Promise<void>;
}

/** Starts `script` (a sibling compiled module) and waits for its first stdout line, parsed as JSON. */
export async function startChild<T>(script: string): Promise<Child<T>> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  // GYMRPC_BENCH_CHILD_ARGS: extra node flags for the child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p" to profile the server.
  const nodeArgs = (process.env.GYMRPC_BENCH_CHILD_ARGS ?? "").split(" ").filter(Boolean);
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, path], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: proc.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    lines.once("line", (l) => resolve(JSON.parse(l) as T));
    proc.once("exit", (code) =>
      reject(new Error(`${script} exited with ${code} before it was ready`)),
    );
  });
  return {
    info,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}
