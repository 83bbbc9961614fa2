import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DUMP = join(ROOT, "test/helpers/npz-dump.py");
const bin = (venv: string) =>
  process.platform === "win32" ? join(venv, "Scripts", "python.exe") : join(venv, "bin", "python");

function hasNumpy(python: string): boolean {
  if (!existsSync(python)) return false;
  return spawnSync(python, ["-c", "import numpy"], { timeout: 60_000 }).status === 0;
}

/** A Python with numpy: the repo's .venv, else a venv made once under the OS temp dir; or why there is none. */
export function findNumpyPython(): { python: string } | { reason: string } {
  const repo = bin(join(ROOT, ".venv"));
  if (hasNumpy(repo)) return { python: repo };
  const venv = join(tmpdir(), "gymrpc-npz-venv");
  const python = bin(venv);
  if (hasNumpy(python)) return { python };
  for (const base of ["python3", "python"]) {
    if (spawnSync(base, ["-m", "venv", venv], { timeout: 120_000 }).status !== 0) continue;
    const pip = spawnSync(python, ["-m", "pip", "install", "--quiet", "numpy"], {
      timeout: 300_000,
      encoding: "utf8",
    });
    if (hasNumpy(python)) return { python };
    return { reason: `pip install numpy failed: ${(pip.stderr ?? "").trim().slice(-300)}` };
  }
  return { reason: "no python3 to make a venv with (and no .venv with numpy in the repo)" };
}

/** One array as numpy read it. */
export interface NpyArray {
  readonly dtype: string;
  readonly shape: number[];
  /** The array's bytes (absent in summary mode). */
  readonly data?: string;
  readonly first?: number[];
  readonly last?: number[];
}

/** What numpy and zipfile say about an .npz. */
export interface NpzDump {
  readonly testzip: string | null;
  readonly methods: number[];
  readonly arrays: Record<string, NpyArray>;
}

/** Reads `path` with numpy in a child process. */
export function dumpNpz(python: string, path: string, summary = false): Promise<NpzDump> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, [DUMP, path, ...(summary ? ["--summary"] : [])]);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`numpy could not read ${path}: ${Buffer.concat(err)}`));
      else resolvePromise(JSON.parse(Buffer.concat(out).toString("utf8")) as NpzDump);
    });
  });
}

/** The bytes of a dumped array. */
export function bytesOf(a: NpyArray | undefined): Buffer {
  if (a?.data === undefined) throw new Error("array missing or dumped without data");
  return Buffer.from(a.data, "base64");
}
