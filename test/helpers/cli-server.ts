import { type ChildProcess, execFile, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The gymrpc command (built into dist/ by the tests' global setup). */
export const BIN = join(ROOT, "bin", "gymrpc.js");

const run = promisify(execFile);

/** Runs `gymrpc collect --quiet ARGS` in `cwd`; resolves with its output or rejects with its exit. */
export function runCollect(cwd: string, ...args: string[]) {
  return run(process.execPath, [BIN, "collect", "--quiet", ...args], {
    cwd,
    env: { ...process.env, FORCE_COLOR: "0" },
  });
}

/** One JSON log line of the server. */
export interface Logged {
  readonly msg?: string;
  readonly addresses?: string[];
  readonly session?: string;
  readonly reason?: string;
  readonly kind?: string;
  readonly [key: string]: unknown;
}

/** A `gymrpc serve` child process. */
export interface CliServer {
  readonly child: ChildProcess;
  readonly address: string;
  /** Every JSON log line so far. */
  log(): Logged[];
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited(): Promise<number | NodeJS.Signals | null>;
}

/** Polls `cond` every 20 ms until it holds or `ms` pass; resolves whether it held. */
export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** Spawns `gymrpc serve --port 0 <args>` and waits until it listens. */
export async function startCliServer(args: readonly string[] = []): Promise<CliServer> {
  const child = spawn(
    process.execPath,
    [BIN, "serve", "--port", "0", "--log-level", "info", ...args],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const ended = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  const log = (): Logged[] =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Logged);
  const listening = () => log().find((l) => Array.isArray(l.addresses));
  await waitFor(() => listening() !== undefined || child.exitCode !== null, 15_000);
  const address = listening()?.addresses?.[0];
  if (!address) {
    child.kill("SIGKILL");
    throw new Error(`gymrpc serve did not start; stdout: ${out} stderr: ${err}`);
  }
  return { child, address, log, exited: () => ended };
}
