import { readFileSync } from "node:fs";
import { type FileHandle, open, readdir, stat, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { RecordingError } from "../recording-errors.js";
import { assembleNpz } from "./npz-assemble.js";
import { type JournalInfo, liveJournals, scanJournal } from "./npz-journal.js";
import { syncDir } from "./npz-member-sink.js";

const JOURNAL = ".journal";

/** What recoverNpz did with one journal. */
export interface NpzRecovery {
  /** The dataset (.npz) path. */
  readonly path: string;
  readonly journal: string;
  /**
   * "recovered": the .npz was rebuilt and the journal deleted; "skipped": a live writer
   * owns it; "empty": the journal had no header (the writer never finished opening) and
   * was deleted; "failed" (directory scans only): see `error`, the journal is kept.
   */
  readonly outcome: "recovered" | "skipped" | "empty" | "failed";
  readonly episodes: number;
  readonly transitions: number;
  /** Bytes after the last intact record (a torn write), dropped. */
  readonly droppedBytes: number;
  /** Why recovery failed. */
  readonly error?: string;
}

/** When process `pid` started (ms since the epoch), on Linux; undefined elsewhere or if unknown. */
function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    // Fields after the command name (which may hold spaces): state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const btime = /^btime (\d+)$/m.exec(readFileSync("/proc/stat", "latin1"));
    if (!btime || fields[19] === undefined) return undefined;
    return (Number(btime[1]) + Number(fields[19]) / 100) * 1000; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** True when the process that wrote the journal may still be writing it. */
function ownerAlive(info: JournalInfo): boolean {
  if (info.host !== hostname() || info.pid === process.pid) return false;
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // A live pid that started after the journal was created is a reused pid, not the writer.
  const started = processStart(info.pid);
  return started === undefined || started <= Date.parse(info.createdAt) + 2000;
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
    if (ownerAlive(state.info)) {
      await fh.close();
      return { ...base, outcome: "skipped", episodes: 0, transitions: 0, droppedBytes: 0 };
    }
    await assembleNpz(fh, state, path);
    await fh.close();
    // The dead writer's compression under way (npz-compact.ts) is of no use now.
    await unlink(`${journalPath}.z`).catch(() => undefined);
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

async function journalsBelow(dir: string, top = true): Promise<string[]> {
  const out: string[] = [];
  // A subdirectory removed while the scan runs (another program's temp dir) holds nothing to recover.
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => {
    if (!top && (err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  });
  for (const entry of entries) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await journalsBelow(p, false)));
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
 * journal needs nothing and yields no entry. For a directory, a journal that cannot be
 * recovered is reported ("failed") and the others are still recovered; for a single
 * dataset the RecordingError is thrown.
 */
export async function recoverNpz(path: string): Promise<NpzRecovery[]> {
  const s = await stat(path).catch(() => undefined);
  if (s?.isDirectory()) {
    const results: NpzRecovery[] = [];
    for (const j of await journalsBelow(path)) {
      const dataset = j.slice(0, -JOURNAL.length);
      results.push(
        await recoverOne(dataset, j).catch((err: unknown) => ({
          path: dataset,
          journal: j,
          outcome: "failed" as const,
          episodes: 0,
          transitions: 0,
          droppedBytes: 0,
          error: err instanceof Error ? err.message : String(err),
        })),
      );
    }
    return results;
  }
  const journalPath = path.endsWith(JOURNAL) ? path : `${path}${JOURNAL}`;
  const dataset = journalPath.slice(0, -JOURNAL.length);
  if (!(await stat(journalPath).catch(() => undefined))) return [];
  return [await recoverOne(dataset, journalPath)];
}
