import { execFileSync } from "node:child_process";

/**
 * Runs Python `script` (its source, with `args` as sys.argv[1:]) and parses what it prints
 * as JSON: datasets read back by the readers their users have.
 */
export function pythonJson<T>(script: string, args: readonly string[], python = "python3"): T {
  return JSON.parse(execFileSync(python, ["-c", script, ...args], { encoding: "utf8" })) as T;
}
