import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findPython } from "./python-venv.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const READ = join(ROOT, "test/helpers/h5-read.py");

/**
 * A Python with h5py and minari: the repo's .venv when it has them, else a venv made once
 * under the OS temp dir (pip install from PyPI); or why there is none.
 */
export function findH5Python(): { python: string } | { reason: string } {
  return findPython({
    name: "h5",
    packages: ["h5py", "minari", "numpy", "pillow", "gymnasium"],
    // minari's HDF5 storage imports PIL (pillow) though its [hdf5] extra does not install it.
    probe:
      "import h5py, minari, numpy, PIL; from minari.dataset._storages import get_hdf5_storage; get_hdf5_storage()",
  });
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
