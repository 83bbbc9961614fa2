import { type FileHandle, open, readdir, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { RecordingError } from "../recording-errors.js";
import { assembleNpz, syncDir } from "./npz-assemble.js";
import { liveJournals, scanJournal } from "./npz-journal.js";

const JOURNAL = ".journal";

/** What recoverNpz did with one journal. */
export interface NpzRecovery {
  /** The dataset (.npz) path. */
  readonly path: string;
  readonly journal: string;
  /** "recovered": the .npz was rebuilt and the journal deleted; "skipped": a live writer owns it; "empty": the journal had no header (the writer never finished opening) and was deleted. */
  readonly outcome: "recovered" | "skipped" | "empty";
  readonly episodes: number;
  readonly transitions: number;
  /** Bytes after the last intact record (a torn write), dropped. */
  readonly droppedBytes: number;
}

/** True when the process that wrote the journal may still be writing it. */
function ownerAlive(pid: number, host: string): boolean {
  if (host !== hostname() || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function recoverOne(path: string, journalPath: string): Promise<NpzRecovery> {
  const base = { path, journal: journalPath };
  if (liveJournals.has(journalPath)) {
    return { ...base, outcome: "skipped", episodes: 0, transitions: 0, droppedBytes: 0 };
  }
  let fh: FileHandle;
  try {
    fh = await open(journalPath, "r");
  } catch (err) {
    throw RecordingError.fromFs(journalPath, err);
  }
  try {
    const { size } = await fh.stat();
    const state = await scanJournal(fh);
    if (!state) {
      await fh.close();
      await unlink(journalPath);
      await unlink(`${path}.tmp`).catch(() => undefined);
      await syncDir(dirname(path));
      return { ...base, outcome: "empty", episodes: 0, transitions: 0, droppedBytes: size };
    }
    if (ownerAlive(state.info.pid, state.info.host)) {
      await fh.close();
      return { ...base, outcome: "skipped", episodes: 0, transitions: 0, droppedBytes: 0 };
    }
    await assembleNpz(fh, state, path);
    await fh.close();
    await unlink(journalPath);
    await syncDir(dirname(path));
    return {
      ...base,
      outcome: "recovered",
      episodes: state.episodes,
      transitions: state.rows,
      droppedBytes: size - state.end,
    };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw RecordingError.fromFs(path, err);
  }
}

async function journalsBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await journalsBelow(p)));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith(`.npz${JOURNAL}`)) out.push(p);
  }
  return out;
}

/**
 * Rebuilds .npz datasets from journals left by a crashed writer (see npz-writer.ts):
 * `path` is a dataset (`x.npz`), its journal (`x.npz.journal`), or a directory searched
 * recursively. Each recovered .npz holds every episode of the journal's intact records,
 * written atomically; the journal is then deleted. Journals of writers still running
 * (in this process, or a live pid on this host) are skipped. A dataset without a
 * journal needs nothing and yields no entry.
 */
export async function recoverNpz(path: string): Promise<NpzRecovery[]> {
  const s = await stat(path).catch(() => undefined);
  if (s?.isDirectory()) {
    const results: NpzRecovery[] = [];
    for (const j of await journalsBelow(path)) {
      results.push(await recoverOne(j.slice(0, -JOURNAL.length), j));
    }
    return results;
  }
  const journalPath = path.endsWith(JOURNAL) ? path : `${path}${JOURNAL}`;
  const dataset = journalPath.slice(0, -JOURNAL.length);
  if (!(await stat(journalPath).catch(() => undefined))) return [];
  return [await recoverOne(dataset, journalPath)];
}
