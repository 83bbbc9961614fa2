import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const READ = join(ROOT, "test/helpers/h5-read.py");
const PACKAGES = ["h5py", "minari", "numpy", "pillow", "gymnasium"];
const bin = (venv: string) =>
  process.platform === "win32" ? join(venv, "Scripts", "python.exe") : join(venv, "bin", "python");

function hasReaders(python: string): boolean {
  if (!existsSync(python)) return false;
  // minari's HDF5 storage imports PIL (pillow) though its [hdf5] extra does not install it.
  const probe =
    "import h5py, minari, numpy, PIL; from minari.dataset._storages import get_hdf5_storage; get_hdf5_storage()";
  return spawnSync(python, ["-c", probe], { timeout: 120_000 }).status === 0;
}

/**
 * A Python with h5py and minari: the repo's .venv when it has them, else a
 * venv made once under the OS temp dir (pip install from PyPI); or why there is none.
 */
export function findH5Python(): { python: string } | { reason: string } {
  const repo = bin(join(ROOT, ".venv"));
  if (hasReaders(repo)) return { python: repo };
  const venv = join(tmpdir(), "gymrpc-h5-venv");
  const python = bin(venv);
  if (hasReaders(python)) return { python };
  // Test files run in parallel: one makes the venv, the others wait for it.
  const lock = `${venv}.lock`;
  try {
    if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 15 * 60_000)
      rmSync(lock, { recursive: true });
    mkdirSync(lock);
  } catch {
    for (let waited = 0; waited < 15 * 60_000 && existsSync(lock); waited += 2000) sleep(2000);
    return hasReaders(python)
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
      const pip = spawnSync(python, ["-m", "pip", "install", "--quiet", ...PACKAGES], {
        timeout: 600_000,
        encoding: "utf8",
      });
      if (hasReaders(python)) return { python };
      return {
        reason: `pip install ${PACKAGES.join(" ")} failed: ${(pip.stderr ?? "").trim().slice(-300)}`,
      };
    }
    return {
      reason: "no python3 to make a venv with (and no .venv with h5py and minari in the repo)",
    };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One HDF5 object as h5py describes it. */
export interface H5Entry {
  readonly type: "group" | "dataset";
  readonly attrs: Record<string, unknown>;
  readonly keys?: string[];
  readonly shape?: number[];
  readonly dtype?: string;
  readonly chunks?: number[] | null;
  readonly maxshape?: number[];
  readonly compression?: string | null;
  /** Values (numbers, booleans, strings; "nan" and "inf" as strings). */
  readonly values?: unknown;
}

/** Runs h5-read.py and parses its JSON. */
export function readWithPython<T>(python: string, args: string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [READ, ...args]);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0)
        reject(new Error(`h5-read.py ${args.join(" ")} failed: ${Buffer.concat(err).toString()}`));
      else resolvePromise(JSON.parse(Buffer.concat(out).toString()) as T);
    });
  });
}

/** Every object of an HDF5 file, by path ("/" for the root), read with h5py. */
export function dumpH5(python: string, path: string): Promise<Record<string, H5Entry>> {
  return readWithPython(python, ["h5", path]);
}
