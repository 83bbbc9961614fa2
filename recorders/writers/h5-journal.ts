import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  close as fsClose,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  type writeSync,
  writev,
  writevSync,
} from "node:fs";
import { join } from "node:path";
import { crc32 } from "./crc32.js";
import { RECORD_MAGIC, RECORD_PREFIX } from "./h5-record.js";

/** The HDF5-based dataset formats. */
export type H5Format = "hdf5" | "d4rl" | "minari";

/**
 * Whether a format's layout reads an episode's text metadata (env id, config,
 * termination reason, trajectory hash, times, reset info); D4RL's flat arrays keep none.
 */
export const KEEPS_TEXT_META: Readonly<Record<H5Format, boolean>> = {
  hdf5: true,
  d4rl: false,
  minari: true,
};

/** Where a dataset's journal lives: beside a file, inside a Minari dataset directory. */
export function journalPathFor(format: H5Format, path: string): string {
  return format === "minari" ? join(path, JOURNAL_IN_DIR) : `${path}${JOURNAL_SUFFIX}`;
}

/** Suffix of a file dataset's journal. */
export const JOURNAL_SUFFIX = ".journal";
/** Name of a Minari dataset directory's journal. */
export const JOURNAL_IN_DIR = ".gymrpc-journal";

/**
 * An append-only journal of sealed records (their CRCs stamped where they
 * were encoded), written with the original fs.writeSync (so the HDF5 write
 * hook never sees it).
 */
export class JournalWriter {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly write: typeof writeSync,
    private readonly sync: boolean,
  ) {
    this.fd = fd;
  }

  /** Creates (truncating) a journal that starts with `header`. */
  static create(
    path: string,
    header: Uint8Array,
    write: typeof writeSync,
    sync: boolean,
  ): JournalWriter {
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, "w");
    const j = new JournalWriter(path, fd, write, sync);
    j.append([header]);
    // Renamed whole (a crash leaves no journal without its header); on disk first only when the
    // journal is to survive power loss too (`sync`), as its records are.
    if (sync) fdatasyncSync(fd);
    renameSync(tmp, path);
    return j;
  }

  /** Records that lie back to back in one buffer (a slab's) become one piece. */
  private pieces(records: readonly Uint8Array[]): Uint8Array[] {
    if (this.fd === undefined) throw new Error("journal is closed");
    const pieces: Uint8Array[] = [];
    let run: Uint8Array | undefined;
    for (const r of records) {
      if (run && run.buffer === r.buffer && run.byteOffset + run.byteLength === r.byteOffset) {
        run = new Uint8Array(run.buffer, run.byteOffset, run.byteLength + r.byteLength);
      } else {
        if (run) pieces.push(run);
        run = r;
      }
    }
    if (run) pieces.push(run);
    return pieces;
  }

  /** Appends sealed records in one write; they survive a crash of this process once it returns. */
  append(records: readonly Uint8Array[]): void {
    const pieces = this.pieces(records);
    const fd = this.fd!;
    // One gathered write (no copy); a short write finishes piece by piece.
    let done = pieces.length > 1 ? writevSync(fd, pieces) : 0;
    for (const p of pieces) {
      if (done >= p.length) {
        done -= p.length;
        continue;
      }
      let at = done;
      while (at < p.length) at += this.write(fd, p, at, p.length - at);
      done = 0;
    }
    if (this.sync) fdatasyncSync(fd);
  }

  /**
   * append() with the write (and fdatasync) in libuv's thread pool: the
   * calling thread goes on (the HDF5 worker writes earlier episodes into the
   * file meanwhile). The records survive a crash once it resolves. One
   * append at a time: the next waits for this one.
   */
  appendAsync(records: readonly Uint8Array[]): Promise<void> {
    const pieces = this.pieces(records);
    const fd = this.fd!;
    return new Promise((resolve, reject) => {
      const rest = (err: Error | null, n: number): void => {
        if (err) {
          reject(err);
          return;
        }
        // A short write goes on from where it stopped.
        while (pieces.length && n >= pieces[0]!.length) n -= pieces.shift()!.length;
        if (pieces.length) {
          pieces[0] = pieces[0]!.subarray(n);
          writev(fd, pieces, rest);
        } else if (this.sync) fdatasync(fd, (e) => (e ? reject(e) : resolve()));
        else resolve();
      };
      writev(fd, pieces, rest);
    });
  }

  /**
   * Closes the journal and, with `remove`, deletes it: unlinked while still
   * open, then closed in the thread pool, where the file system frees its
   * blocks (milliseconds for a large journal) off this thread.
   */
  close(remove: boolean): void {
    const fd = this.fd;
    this.fd = undefined;
    if (remove) rmSync(this.path, { force: true });
    if (fd === undefined) return;
    if (remove) fsClose(fd, () => {});
    else closeSync(fd);
  }
}

/** Reads a journal's records in order, stopping at a torn or corrupt tail. */
export function* readJournal(path: string): Generator<ArrayBuffer> {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const prefix = Buffer.alloc(RECORD_PREFIX);
    let pos = 0;
    while (pos + RECORD_PREFIX <= size) {
      if (readSync(fd, prefix, 0, RECORD_PREFIX, pos) !== RECORD_PREFIX) return;
      if (prefix.readUInt32LE(0) !== RECORD_MAGIC) return;
      const payload = prefix.readUInt32LE(8);
      const total = RECORD_PREFIX + payload;
      if (pos + total > size) return;
      const buf = new ArrayBuffer(total);
      const u8 = new Uint8Array(buf);
      let got = 0;
      while (got < total) {
        const n = readSync(fd, u8, got, total - got, pos + got);
        if (n <= 0) return;
        got += n;
      }
      if (crc32(u8.subarray(RECORD_PREFIX)) !== prefix.readUInt32LE(12)) return;
      yield buf;
      pos += total;
    }
  } finally {
    closeSync(fd);
  }
}
