import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const bin = (venv: string) =>
  process.platform === "win32" ? join(venv, "Scripts", "python.exe") : join(venv, "bin", "python");

/** What a test needs of Python: pip packages, and a program that exits 0 when they work. */
export interface PythonNeeds {
  /** Names the temp venv (gymrpc-<name>-venv) and the messages. */
  readonly name: string;
  readonly packages: readonly string[];
  readonly probe: string;
}

function works(python: string, needs: PythonNeeds): boolean {
  if (!existsSync(python)) return false;
  return spawnSync(python, ["-c", needs.probe], { timeout: 120_000 }).status === 0;
}

/**
 * A Python that has `needs`: the repo's .venv when it does, else a venv made once under
 * the OS temp dir (pip install from PyPI); or why there is none. Test files run in
 * parallel: one makes the venv, the others wait for it.
 */
export function findPython(needs: PythonNeeds): { python: string } | { reason: string } {
  const repo = bin(join(ROOT, ".venv"));
  if (works(repo, needs)) return { python: repo };
  const venv = join(tmpdir(), `gymrpc-${needs.name}-venv`);
  const python = bin(venv);
  if (works(python, needs)) return { python };
  const lock = `${venv}.lock`;
  try {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 15 * 60_000)
      rmSync(lock, { recursive: true });
    mkdirSync(lock);
  } catch {
    for (let waited = 0; waited < 15 * 60_000 && existsSync(lock); waited += 2000) sleep(2000);
    return works(python, needs)
      ? { python }
      : { reason: "another test process failed to make the venv" };
  }
  try {
    for (const base of ["python3", "python"]) {
      if (
        !existsSync(python) &&
        spawnSync(base, ["-m", "venv", venv], { timeout: 120_000 }).status !== 0
      )
        continue;
      const pip = spawnSync(python, ["-m", "pip", "install", "--quiet", ...needs.packages], {
        timeout: 600_000,
        encoding: "utf8",
      });
      if (works(python, needs)) return { python };
      return {
        reason: `pip install ${needs.packages.join(" ")} failed: ${(pip.stderr ?? "").trim().slice(-300)}`,
      };
    }
    return {
      reason: `no python3 to make a venv with (and no .venv with ${needs.packages.join(", ")} in the repo)`,
    };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
