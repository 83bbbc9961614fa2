import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findPython } from "./python-venv.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DUMP = join(ROOT, "test/helpers/npz-dump.py");

/** A Python with numpy: the repo's .venv, else a venv made once under the OS temp dir; or why there is none. */
export function findNumpyPython(): { python: string } | { reason: string } {
  return findPython({ name: "npz", packages: ["numpy"], probe: "import numpy" });
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
