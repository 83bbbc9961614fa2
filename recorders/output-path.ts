import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { InvalidArgumentError } from "../envs/core/errors.js";

/** Dataset formats the recorders write. */
export const FORMATS = ["npz", "jsonl", "jsonl.gz", "hdf5", "d4rl", "minari"] as const;

/** A dataset format. */
export type DatasetFormat = (typeof FORMATS)[number];

/** The format a name's extension implies (no extension: a Minari dataset directory). */
export function formatFromName(name: string): DatasetFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith(".jsonl.gz")) return "jsonl.gz";
  if (lower.endsWith(".jsonl")) return "jsonl";
  if (lower.endsWith(".npz")) return "npz";
  if (lower.endsWith(".d4rl.h5") || lower.endsWith(".d4rl.hdf5")) return "d4rl";
  if (lower.endsWith(".h5") || lower.endsWith(".hdf5")) return "hdf5";
  const base = lower.slice(lower.lastIndexOf("/") + 1);
  return base.includes(".") ? undefined : "minari";
}

/** The format to write: the explicit one, else the name's. */
export function resolveFormat(name: string, format: string): DatasetFormat {
  const f = format || formatFromName(name);
  if (!f || !(FORMATS as readonly string[]).includes(f)) {
    throw new InvalidArgumentError(
      format ? "record.format" : "record.name",
      `cannot tell the dataset format of "${format || name}": use one of ${FORMATS.join(", ")} ` +
        "(by extension: .npz, .jsonl, .jsonl.gz, .h5, .d4rl.h5, or no extension for Minari)",
    );
  }
  return f as DatasetFormat;
}

/**
 * The absolute path of dataset `name` inside `recordDir`. Absolute names,
 * ".." and names reaching outside the directory through links are refused,
 * and so is an existing dataset unless `overwrite`.
 */
export function resolveOutputPath(recordDir: string, name: string, overwrite: boolean): string {
  if (!name.trim()) throw new InvalidArgumentError("record.name", "is empty");
  if (isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name)) {
    throw new InvalidArgumentError(
      "record.name",
      `"${name}" is absolute; give a path inside the record directory`,
    );
  }
  if (name.split(/[\\/]/).some((part) => part === "..")) {
    throw new InvalidArgumentError(
      "record.name",
      `"${name}" contains ".."; give a path inside the record directory`,
    );
  }
  if (name.includes("\0")) throw new InvalidArgumentError("record.name", "contains a NUL byte");
  const root = resolve(recordDir);
  const path = resolve(root, name);
  const rel = relative(root, path);
  if (rel === "" || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InvalidArgumentError("record.name", `"${name}" is outside the record directory`);
  }
  // Links inside the record directory must not lead out of it.
  const realRoot = existsSync(root) ? realpathSync(root) : root;
  let probe = dirname(path);
  while (!existsSync(probe) && probe !== root && probe.length > root.length) probe = dirname(probe);
  if (existsSync(probe)) {
    const realProbe = realpathSync(probe);
    if (realProbe !== realRoot && !realProbe.startsWith(realRoot + sep)) {
      throw new InvalidArgumentError(
        "record.name",
        `"${name}" leads outside the record directory through a link`,
      );
    }
  }
  if (existsSync(path)) {
    // An existing dataset that is a link must not lead out either (overwrite would follow it).
    const realPath = realpathSync(path);
    if (!realPath.startsWith(realRoot + sep)) {
      throw new InvalidArgumentError(
        "record.name",
        `"${name}" leads outside the record directory through a link`,
      );
    }
  }
  if (existsSync(path) && !overwrite) {
    throw new InvalidArgumentError(
      "record.name",
      `dataset "${name}" already exists in the record directory; choose another name or set overwrite`,
    );
  }
  return join(root, rel);
}
