import { MAX_NUMBER_BYTES, writeAscii, writeDigits, writeFloat32 } from "./float32-text.js";

/**
 * A growable byte buffer that JSON text is written into directly: numbers
 * become digits in place, with no string per number, no joins of many small
 * strings and no UTF-8 encoding of the whole text before it is written out.
 */
export class JsonSink {
  /** Written bytes are bytes[0, pos). */
  bytes: Buffer;
  pos = 0;

  constructor(private readonly capacity = 1 << 16) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n > this.bytes.length) this.grow(n);
  }

  private grow(n: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.pos + n));
    this.bytes.copy(next, 0, 0, this.pos);
    this.bytes = next;
  }

  /** Pre-encoded bytes (keys, punctuation). */
  raw(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const out = this.bytes;
    let at = this.pos;
    // A loop beats TypedArray#set's call overhead for the short pieces written here.
    if (n < 32) for (let i = 0; i < n; i++) out[at++] = b[i]!;
    else {
      out.set(b, at);
      at += n;
    }
    this.pos = at;
  }

  /** One ASCII byte. */
  byte(c: number): void {
    this.room(1);
    this.bytes[this.pos++] = c;
  }

  /** A string as a JSON string literal. */
  string(s: string): void {
    const text = JSON.stringify(s);
    this.room(text.length * 3);
    this.pos += this.bytes.write(text, this.pos, "utf8");
  }

  /** true or false. */
  bool(b: boolean): void {
    this.raw(b ? TRUE : FALSE);
  }

  /**
   * A number as JSON. Non-finite values are the bare tokens NaN, Infinity and
   * -Infinity, as Python's json.dump writes by default (and its json.loads
   * reads); strict JSON parsers need to be told to accept them.
   */
  number(x: number): void {
    this.room(MAX_NUMBER_BYTES);
    const out = this.bytes;
    // x - x is 0 for finite numbers and NaN otherwise: one cheap test on the hot path.
    if (x - x === 0) {
      if (Math.floor(x) === x && x < 2 ** 53 && x > -(2 ** 53)) {
        let at = this.pos;
        if (x < 0) {
          out[at++] = MINUS;
          x = -x;
        }
        this.pos = writeDigits(out, at, x);
      } else this.pos = writeAscii(out, this.pos, `${x}`);
    } else this.pos = writeAscii(out, this.pos, nonFinite(x));
  }

  /**
   * arr[offset, offset + n) as float32 text, comma-separated (room made once for the row):
   * each the shortest decimal that reads back as it (float32-text.ts); non-finite as number().
   */
  float32s(arr: Float32Array, offset: number, n: number): void {
    this.room(n * (MAX_NUMBER_BYTES + 1));
    const out = this.bytes;
    let at = this.pos;
    for (let i = 0; i < n; i++) {
      if (i > 0) out[at++] = COMMA;
      const x = arr[offset + i]!;
      at = x - x === 0 ? writeFloat32(out, at, x) : writeAscii(out, at, nonFinite(x));
    }
    this.pos = at;
  }

  /** Copies bytes[start, end) written earlier to the end. */
  repeat(start: number, end: number): void {
    this.room(end - start);
    this.bytes.copyWithin(this.pos, start, end);
    this.pos += end - start;
  }

  /** The written bytes, handed over: the sink starts again on a fresh buffer. */
  take(): Buffer {
    const out = this.bytes.subarray(0, this.pos);
    this.bytes = Buffer.allocUnsafe(this.capacity);
    this.pos = 0;
    return out;
  }

  /** Forgets what was written, keeping the buffer unless a huge line grew it. */
  clear(): void {
    this.pos = 0;
    if (this.bytes.length > 64 * this.capacity) this.bytes = Buffer.allocUnsafe(this.capacity);
  }

  /** The written bytes as a string. */
  text(): string {
    return this.bytes.toString("utf8", 0, this.pos);
  }
}

/** `"key":` as bytes, for keys known ahead. */
export function keyBytes(key: string, leadingComma = false): Uint8Array {
  return utf8Bytes(`${leadingComma ? "," : ""}${JSON.stringify(key)}:`);
}

/** A string's UTF-8 bytes, encoded once ahead of the hot path. */
export const utf8Bytes = (s: string): Uint8Array => Buffer.from(s, "utf8");

const MINUS = 45;
const COMMA = 44;
const TRUE = utf8Bytes("true");
const FALSE = utf8Bytes("false");

function nonFinite(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  return x > 0 ? "Infinity" : "-Infinity";
}
