import type { FileHandle } from "node:fs/promises";
import { NPZ_MEMBERS } from "./npz-members.js";
import { crcOf } from "./npz-zip.js";

// Journal of an .npz being recorded (`<name>.npz.journal`), append-only:
//   header: "GYMNPZJ1" | u32 json length | u32 crc32(json) | json (JournalInfo)
//   record: u32 RECORD_MAGIC | u32 payload length | u32 crc32 | payload
//   payload: f64 rows after this record | u32 episodes in it |
//            per member (NPZ_MEMBERS order): f64 segment bytes, f64 raw bytes, u32 running CRC |
//            the members' segments.
// Version 1 (writers compressing as they go): segments are raw-deflate pieces back to
// back, and the record's CRC covers the whole payload. A member's segments, in record
// order, are its whole raw-deflate body (without the .npy header): the .npz is rebuilt
// from them without recompressing.
// Version 2 (stored while recording): segments are the members' raw bytes, the prefix is
// padded to RECORD_PREFIX_V2 and each segment to a multiple of 8 bytes (so columns are
// written in place as typed arrays); the record's CRC covers the prefix only, and each
// segment is checked against its member's running CRC (one CRC pass over the data, as
// the zip needs anyway). Assembly frames the raw bytes as stored deflate blocks.
// A record whose length or CRCs do not check (a torn tail) ends the journal.

const MAGIC = Buffer.from("GYMNPZJ1", "latin1");
const RECORD_MAGIC = 0x4e50_5a52;
const RECORD_HEAD = 12;
const MEMBER_FIELDS = 20;
/** Journals open for writing in this process (recovery leaves them alone). */
export const liveJournals: Set<string> = new Set();

/** Bytes of a version 1 record before its segments. */
export const RECORD_PREFIX = RECORD_HEAD + 12 + MEMBER_FIELDS * NPZ_MEMBERS.length;

/** Bytes of a version 2 record before its segments (RECORD_PREFIX padded to 8). */
export const RECORD_PREFIX_V2 = pad8(RECORD_PREFIX);

/** `n` rounded up to a multiple of 8 (segments of version 2 records). */
export function pad8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** What the journal header says about the dataset. */
export interface JournalInfo {
  readonly format: "gymrpc-npz-journal";
  /** 1: deflate segments; 2: raw segments (see the layout above). */
  readonly version: 1 | 2;
  readonly obsDim: number;
  readonly actDim: number;
  readonly envId: string;
  /** Writer process and host, so recovery leaves a live writer's journal alone. */
  readonly pid: number;
  readonly host: string;
  readonly createdAt: string;
}

/** Running totals of one member: compressed and raw bytes and the CRC of the raw bytes. */
export interface MemberTotals {
  compressed: number;
  raw: number;
  crc: number;
}

/** Everything needed to assemble an .npz from a journal prefix. */
export interface JournalState {
  readonly info: JournalInfo;
  /** Offset of the first record. */
  readonly dataStart: number;
  /** End of the last whole record. */
  readonly end: number;
  readonly rows: number;
  readonly episodes: number;
  readonly members: readonly Readonly<MemberTotals>[];
}

/** The journal header bytes. */
export function encodeJournalHeader(info: JournalInfo): Buffer {
  const json = Buffer.from(JSON.stringify(info), "utf8");
  const head = Buffer.alloc(16);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, 8);
  head.writeUInt32LE(crcOf(json), 12);
  return Buffer.concat([head, json]);
}

/** One member's share of a record. */
export interface RecordMember {
  readonly compressed: number;
  readonly raw: number;
  readonly crc: number;
}

/**
 * Fills a record's prefix at the start of `out`: magic, payload length, totals and
 * members; the CRC is left to sealRecord. Version 2 pads the prefix and each segment.
 */
export function writeRecordPrefix(
  out: Buffer,
  version: 1 | 2,
  rowsAfter: number,
  episodes: number,
  members: readonly RecordMember[],
): void {
  const prefix = version === 2 ? RECORD_PREFIX_V2 : RECORD_PREFIX;
  let payloadLength = prefix - RECORD_HEAD;
  for (const m of members) payloadLength += version === 2 ? pad8(m.compressed) : m.compressed;
  if (payloadLength > 0xffffffff) throw new RangeError("journal record too large");
  out.writeUInt32LE(RECORD_MAGIC, 0);
  out.writeUInt32LE(payloadLength, 4);
  out.writeDoubleLE(rowsAfter, RECORD_HEAD);
  out.writeUInt32LE(episodes, RECORD_HEAD + 8);
  for (let i = 0; i < members.length; i++) {
    const m = members[i]!;
    const o = RECORD_HEAD + 12 + MEMBER_FIELDS * i;
    out.writeDoubleLE(m.compressed, o);
    out.writeDoubleLE(m.raw, o + 8);
    out.writeUInt32LE(m.crc >>> 0, o + 16);
  }
  if (version === 2) out.fill(0, RECORD_PREFIX, RECORD_PREFIX_V2);
}

/** Writes the CRC of a version 2 record's prefix (its segments carry member CRCs). */
export function sealRecordV2(record: Buffer): void {
  record.writeUInt32LE(crcOf(record.subarray(RECORD_HEAD, RECORD_PREFIX_V2)), 8);
}

/**
 * The version 2 record layout for members of these raw sizes: where each member's segment
 * starts (from the record's start), then the record's length.
 */
export function segmentOffsetsV2(raws: readonly number[]): number[] {
  const offsets: number[] = [];
  let o = RECORD_PREFIX_V2;
  for (const raw of raws) {
    offsets.push(o);
    o += pad8(raw);
  }
  offsets.push(o);
  return offsets;
}

/**
 * The bytes of a version 1 record (prefix, then the segment parts to write after it).
 * `checksum` false leaves the CRC 0: for scratch journals nobody recovers (npz-compact.ts).
 */
export function encodeRecord(
  rowsAfter: number,
  episodes: number,
  members: readonly RecordMember[],
  parts: readonly Buffer[],
  checksum = true,
): Buffer[] {
  const prefix = Buffer.alloc(RECORD_PREFIX);
  writeRecordPrefix(prefix, 1, rowsAfter, episodes, members);
  if (checksum) {
    let crc = crcOf(prefix.subarray(RECORD_HEAD));
    for (const p of parts) crc = crcOf(p, crc);
    prefix.writeUInt32LE(crc, 8);
  }
  return [prefix, ...parts];
}

/** Reads a file sequentially in large blocks, handing out exact byte ranges. */
export class FileCursor {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  /** The buffer reads go to when `reuse` (grown as needed). */
  private own: Buffer = Buffer.alloc(0);

  constructor(
    private readonly fh: FileHandle,
    /** Next offset to read. */
    public pos: number,
    private readonly end: number,
    private readonly block = 4 << 20,
    /**
     * Read into one buffer again and again: what take() returned is valid only until the
     * next take() (for callers that copy it out; fresh memory costs page faults and GC).
     */
    private readonly reuse = false,
  ) {}

  /** The next `n` bytes, or undefined when the file (up to `end`) holds fewer. */
  async take(n: number): Promise<Buffer | undefined> {
    if (this.pos + n > this.end) return undefined;
    const at = this.pos - this.bufStart;
    if (at < 0 || at + n > this.buf.length) {
      const want = Math.min(Math.max(n, this.block), this.end - this.pos);
      if (this.reuse && this.own.length < want) this.own = Buffer.allocUnsafe(want);
      const buf = this.reuse ? this.own : Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await this.fh.read(buf, got, want - got, this.pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (got < n) return undefined;
      this.buf = buf.subarray(0, got);
      this.bufStart = this.pos;
    }
    const from = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(from, from + n);
  }
}

/** Reads and checks the header; undefined when it is missing or torn. */
export async function readJournalHeader(
  fh: FileHandle,
  size: number,
): Promise<{ info: JournalInfo; dataStart: number } | undefined> {
  const cur = new FileCursor(fh, 0, size, 1 << 16);
  const head = await cur.take(16);
  if (!head?.subarray(0, 8).equals(MAGIC)) return undefined;
  const json = await cur.take(head.readUInt32LE(8));
  if (!json || crcOf(json) !== head.readUInt32LE(12)) return undefined;
  const info = JSON.parse(json.toString("utf8")) as JournalInfo;
  if (info.format !== "gymrpc-npz-journal" || (info.version !== 1 && info.version !== 2)) {
    throw new Error(`unsupported journal format ${info.format} v${info.version}`);
  }
  return { info, dataStart: cur.pos };
}

/** A parsed record: totals after it and its segments, one per member. */
export interface JournalRecord {
  readonly rowsAfter: number;
  readonly episodes: number;
  readonly members: readonly RecordMember[];
  readonly segments: readonly Buffer[];
  /** Where each segment lies in the journal file. */
  readonly offsets: readonly number[];
}

/**
 * The next whole record at the cursor of a journal of `version`, or undefined at the end
 * or a torn / corrupt tail. `verify`: the running totals before this record, to check its
 * CRCs against (omitted when the journal is known intact).
 */
export async function readRecord(
  cur: FileCursor,
  version: 1 | 2,
  verify?: readonly Readonly<MemberTotals>[],
): Promise<JournalRecord | undefined> {
  const head = await cur.take(RECORD_HEAD);
  if (!head || head.readUInt32LE(0) !== RECORD_MAGIC) return undefined;
  const prefix = version === 2 ? RECORD_PREFIX_V2 : RECORD_PREFIX;
  const payloadLength = head.readUInt32LE(4);
  // Read now: with a reusing cursor, `head` is overwritten by the next take.
  const recordCrc = head.readUInt32LE(8);
  if (payloadLength < prefix - RECORD_HEAD) return undefined;
  const payloadAt = cur.pos;
  const payload = await cur.take(payloadLength);
  if (!payload) return undefined;
  if (verify) {
    const covered = version === 2 ? payload.subarray(0, prefix - RECORD_HEAD) : payload;
    if (crcOf(covered) !== recordCrc) return undefined;
  }
  const members: RecordMember[] = [];
  const segments: Buffer[] = [];
  const offsets: number[] = [];
  let o = prefix - RECORD_HEAD;
  for (let i = 0; i < NPZ_MEMBERS.length; i++) {
    const f = 12 + MEMBER_FIELDS * i;
    const m = {
      compressed: payload.readDoubleLE(f),
      raw: payload.readDoubleLE(f + 8),
      crc: payload.readUInt32LE(f + 16),
    };
    if (!Number.isSafeInteger(m.compressed) || o + m.compressed > payload.length) return undefined;
    const seg = payload.subarray(o, o + m.compressed);
    if (version === 2) {
      if (m.raw !== m.compressed || o + pad8(m.raw) > payload.length) return undefined;
      if (verify) {
        if (m.raw > 0 && crcOf(seg, verify[i]!.crc) !== m.crc) return undefined;
        // Padding is zeros: any other byte is damage too.
        for (let p = o + m.raw; p < o + pad8(m.raw); p++) if (payload[p] !== 0) return undefined;
      }
      o += pad8(m.raw);
    } else {
      o += m.compressed;
    }
    members.push(m);
    segments.push(seg);
    offsets.push(payloadAt + seg.byteOffset - payload.byteOffset);
  }
  return {
    rowsAfter: payload.readDoubleLE(0),
    episodes: payload.readUInt32LE(8),
    members,
    segments,
    offsets,
  };
}

/** Fresh totals (nothing recorded). */
export function emptyTotals(): MemberTotals[] {
  return NPZ_MEMBERS.map(() => ({ compressed: 0, raw: 0, crc: 0 }));
}

/** Adds a record's members to running totals. */
export function addRecord(totals: MemberTotals[], members: readonly RecordMember[]): void {
  members.forEach((m, i) => {
    const t = totals[i]!;
    t.compressed += m.compressed;
    t.raw += m.raw;
    if (m.raw > 0) t.crc = m.crc;
  });
}

/** Reads a journal after a crash: the header and every whole, intact record. */
export async function scanJournal(fh: FileHandle): Promise<JournalState | undefined> {
  const { size } = await fh.stat();
  const header = await readJournalHeader(fh, size);
  if (!header) return undefined;
  const cur = new FileCursor(fh, header.dataStart, size);
  const members = emptyTotals();
  let rows = 0;
  let episodes = 0;
  let end = header.dataStart;
  for (;;) {
    const rec = await readRecord(cur, header.info.version, members);
    if (!rec) break;
    addRecord(members, rec.members);
    rows = rec.rowsAfter;
    episodes += rec.episodes;
    end = cur.pos;
  }
  return { info: header.info, dataStart: header.dataStart, end, rows, episodes, members };
}
