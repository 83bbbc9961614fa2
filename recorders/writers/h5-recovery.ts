import { existsSync } from "node:fs";
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { acquireH5Worker, releaseH5Worker } from "./h5-host.js";
import { type H5Format, JOURNAL_IN_DIR, JOURNAL_SUFFIX } from "./h5-journal.js";
import type { H5Stats } from "./h5-layout.js";
import { RECORD_MAGIC, RecordKind } from "./h5-record.js";
import type { RecoveredDataset } from "./h5-worker.js";

/** What a recovery rebuilt. */
export interface H5RecoveryResult {
  /** The dataset's path (file, or Minari dataset directory). */
  readonly path: string;
  readonly format: H5Format;
  /** The journal it was rebuilt from (now deleted). */
  readonly journal: string;
  /** Statistics of the rebuilt dataset; undefined when skipped. */
  readonly stats: H5Stats | undefined;
  /** True when the journal's writer process is still running on this host: left alone. */
  readonly skipped: boolean;
}

/** True when `path` starts with this writer family's journal header (not, e.g., an npz journal). */
async function isH5Journal(path: string): Promise<boolean> {
  const fh = await open(path, "r").catch(() => undefined);
  if (!fh) return false;
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await fh.read(head, 0, 8, 0);
    return (
      bytesRead === 8 &&
      head.readUInt32LE(0) === RECORD_MAGIC &&
      head.readUInt32LE(4) === RecordKind.header
    );
  } finally {
    await fh.close();
  }
}

/** The journal of the dataset at `path`, if an unfinished recording left one. */
export function h5JournalOf(path: string): string | undefined {
  const beside = `${path}${JOURNAL_SUFFIX}`;
  if (existsSync(beside) && !path.toLowerCase().endsWith(".npz")) return beside;
  const inside = join(path, JOURNAL_IN_DIR);
  return existsSync(inside) ? inside : undefined;
}

/**
 * Rebuilds the dataset at `path` (an hdf5, d4rl or minari dataset whose
 * recording did not close) from its journal: every journaled episode, the
 * statistics and `recovered = 1`, written to a temporary file that then
 * replaces the dataset's HDF5 file; the journal is then deleted. Resolves
 * undefined when there is no journal (the dataset was closed cleanly); a
 * journal whose writer process is still running on this host is left alone
 * (`skipped`).
 * Runs in an HDF5 worker thread.
 */
export async function recoverH5Dataset(path: string): Promise<H5RecoveryResult | undefined> {
  const journal = h5JournalOf(path);
  if (!journal) return undefined;
  return recoverFromJournal(journal);
}

/** Rebuilds a dataset from the journal at `journal` (its path is recorded inside). */
export async function recoverFromJournal(journal: string): Promise<H5RecoveryResult> {
  const worker = acquireH5Worker();
  try {
    const r = (await worker.call({ op: "recover", journal })) as RecoveredDataset;
    return {
      path: r.path,
      format: r.format,
      journal,
      stats: r.stats,
      skipped: r.stats === undefined,
    };
  } finally {
    releaseH5Worker(worker);
  }
}

/** Journals left below `dir` (recursively) by recordings that did not close. */
export async function findH5Journals(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (
        e.isFile() &&
        (e.name === JOURNAL_IN_DIR || e.name.endsWith(JOURNAL_SUFFIX)) &&
        (await isH5Journal(p))
      )
        out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Recovers every dataset below `dir` that a crash left unfinished (e.g. at server start). */
export async function recoverH5Datasets(dir: string): Promise<H5RecoveryResult[]> {
  const results: H5RecoveryResult[] = [];
  for (const journal of await findH5Journals(dir)) results.push(await recoverFromJournal(journal));
  return results;
}
