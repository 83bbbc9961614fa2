import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Runs bench/python_bench.py with the repo's .venv against `target`; its JSON result, or undefined without a venv. */
export function runPythonBench(
  target: string,
  quick: boolean,
): Record<string, unknown> | undefined {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const python = join(root, ".venv", "bin", "python");
  if (!existsSync(python)) return undefined;
  const args = [
    join(root, "bench", "python_bench.py"),
    "--target",
    target,
    ...(quick ? ["--quick"] : []),
  ];
  const r = spawnSync(python, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`python_bench.py failed with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}
