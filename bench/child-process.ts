import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A child Node process that printed one JSON line of addresses when ready. */
export interface Child<T> {
  readonly info: T;
  /** The child's process id. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `script` (a sibling compiled module) and waits for its first stdout line that is a
 * JSON object. Other lines are passed to stderr: V8 flags in GYMRPC_BENCH_CHILD_ARGS
 * (--trace-deopt, --trace-opt) print to stdout, before and after that line.
 */
export async function startChild<T>(script: string): Promise<Child<T>> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  // GYMRPC_BENCH_CHILD_ARGS: extra node flags for the child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p" to profile the server.
  const nodeArgs = (process.env.GYMRPC_BENCH_CHILD_ARGS ?? "").split(" ").filter(Boolean);
  const proc: ChildProcess = spawn(process.execPath, [...nodeArgs, path], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: proc.stdout! });
  let ready: ((l: string) => void) | undefined;
  lines.on("line", (l) => {
    if (ready && l.startsWith("{")) ready(l);
    else process.stderr.write(`${l}\n`);
  });
  const info = await new Promise<T>((resolve, reject) => {
    ready = (l) => {
      ready = undefined;
      resolve(JSON.parse(l) as T);
    };
    proc.once("exit", (code) =>
      reject(new Error(`${script} exited with ${code} before it was ready`)),
    );
  });
  return {
    info,
    pid: proc.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}

/**
 * CPU seconds (user + system, every thread) process `pid` has used, from /proc; undefined
 * where there is no /proc (not Linux).
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
