/**
 * Shortest decimal text of float32 values.
 *
 * A float32 widened to a double prints with up to 17 digits
 * (0.10000000149011612) although its dtype holds about 7; numpy prints it as
 * 0.1. The text here is the shortest decimal that a reader taking it as a
 * double and rounding that to float32 (Python's json, then np.float32) gets
 * back as the same float32, in the notation JavaScript prints that decimal
 * in: shorter, and for float32 data the faithful text.
 */

// 10^i is exact as a double for i <= 22, so m / 10^i of an exact integer m is
// the correctly rounded value of the decimal, as Number() of its text is.
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
// Decimal literals are correctly rounded; only used to place the exponent.
const NEG_POW10 = [1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6];

/** Every float32 integer below this is exact and printed as it is. */
const EXACT_INT = 2 ** 24;

/** Most bytes writeFloat32 writes ("-1.17549435e-38" and the like; doubles need 24). */
export const MAX_NUMBER_BYTES = 32;

const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/**
 * Writes the shortest decimal text that reads back (as a double rounded to
 * float32) as `x` into `out` at `at` (room for MAX_NUMBER_BYTES needed) and
 * returns the end. `x` should be a float32 (an element of a Float32Array);
 * any other double gets its ordinary JavaScript text, and so do NaN,
 * ±Infinity and -0 ("0"): callers decide on those.
 */
export function writeFloat32(out: Uint8Array, at: number, x: number): number {
  f32[0] = x;
  const b = bits[0]!;
  const a = Math.abs(x);
  // Only float32 values take the fast paths; any other double gets its exact text below.
  if (a < EXACT_INT && a >= 1e-6 && f32[0] === x && Math.floor(a) !== a) {
    // The sign from its bit, not a branch (random signs would mispredict).
    out[at] = MINUS;
    const p = at + (b >>> 31);
    bits[0] = b & 0x7fffffff;
    const end = (b & 0x7fffff) !== 0 ? writeCommon(out, p, a) : -1;
    if (end >= 0) return end;
    const m = shortestDecimal(a);
    if (m >= 0) return writeFixed(out, p, m, fractionDigits);
  } else if (a < EXACT_INT && Math.floor(a) === a) {
    // Integers up to 2^24 are exact, and shortest as they are (-0 included, as "0").
    if (x < 0) out[at++] = MINUS;
    return writeDigits(out, at, a);
  }
  return writeAscii(out, at, slowText(x));
}

/** float32 text as a string (writeFloat32's text; for callers without a byte buffer). */
export function float32Text(x: number): string {
  const end = writeFloat32(scratch, 0, x);
  return scratch.toString("latin1", 0, end);
}

const scratch = Buffer.allocUnsafe(MAX_NUMBER_BYTES);
// The bits of a float32, for its neighbours.
const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);

// Candidates within this (in units of the last digit) of the round-trip
// interval's edge are left to the exact search: the products here carry
// rounding errors below 1e-7 of such a unit, and the reader's own rounding
// of the decimal to a double as much.
const MARGIN = 1e-6;

/**
 * The common case, without data-dependent branches (random data makes them
 * mispredict, which cost more than the arithmetic): a float32 f32[0] = a,
 * not a power of two, 1e-4 <= a < 1e5, whose shortest text has 7, 8 or 9
 * significant digits. Rounds a to 9, 8, 7 and 6 digits at once, keeps the
 * shortest that lies inside the round-trip interval (a ± half the gap to
 * its neighbours) and writes it; -1 when a is not such a case.
 */
function writeCommon(out: Uint8Array, at: number, a: number): number {
  let e = 0;
  if (a >= 1) {
    while (e < 4 && a >= POW10[e + 1]!) e++;
    if (e === 4 && a >= 1e5) return -1;
  } else {
    while (e > -4 && a < NEG_POW10[-e]!) e--;
    if (e === -4 && a < 1e-4) return -1;
  }
  bits[0] = bits[0]! + 1;
  const half = (f32[0]! - a) * 0.5;
  // k9 = 8 - e fraction digits give 9 significant digits; 9 always suffice for float32.
  const k9 = 8 - e;
  const s9 = POW10[k9]!;
  const s8 = POW10[k9 - 1]!;
  const s7 = POW10[k9 - 2]!;
  const s6 = POW10[k9 - 3]!;
  const y9 = a * s9;
  const y8 = a * s8;
  const y7 = a * s7;
  const y6 = a * s6;
  // Math.round is a call here; the inputs are positive and far below 2^52.
  const c9 = Math.floor(y9 + 0.5);
  const c8 = Math.floor(y8 + 0.5);
  const c7 = Math.floor(y7 + 0.5);
  const c6 = Math.floor(y6 + 0.5);
  // How far each candidate lies inside the interval (negative: outside).
  const d9 = half * s9 - Math.abs(c9 - y9);
  const d8 = half * s8 - Math.abs(c8 - y8);
  const d7 = half * s7 - Math.abs(c7 - y7);
  const d6 = half * s6 - Math.abs(c6 - y6);
  if (d6 > -MARGIN || d9 < MARGIN || Math.abs(d8) < MARGIN || Math.abs(d7) < MARGIN) return -1;
  // A candidate inside means every longer one is too (the interval scales with 10^k).
  // 1 when inside, else 0, without a branch (V8 compiles `d > 0 ? 1 : 0` to one): the
  // sign bit of d scaled to an int32 of at least 10 in size (MARGIN <= |d| < 10).
  const v8 = 1 + (((d8 * 1e7) | 0) >> 31);
  const v7 = 1 + (((d7 * 1e7) | 0) >> 31);
  // The choice as 9 digits: c7 * 100 or c8 * 10 end in zeros, dropped after writing.
  const m = (c9 + v8 * (c8 * 10 - c9) + v7 * (c7 * 100 - c8 * 10)) | 0;
  if (m < 1e8 || m >= 1e9) return -1;
  let p = at + 1;
  if (e < 0) {
    out[at] = ZERO;
    out[p++] = DOT;
    for (let z = -1 - e; z > 0; z--) out[p++] = ZERO;
  }
  writeNineDigits(out, p, m);
  if (e >= 0) {
    // The digits went one place right of `at`: move the integer part back and put the point after it.
    for (let j = 0; j <= e; j++) out[at + j] = out[at + 1 + j]!;
    out[at + e + 1] = DOT;
  }
  return p + 9 - v8 - v7;
}

// "00", "01", ..., "99" as bytes.
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) =>
  i & 1 ? ZERO + ((i >> 1) % 10) : ZERO + Math.floor(i / 20),
);

/**
 * The 9 digits of 10^8 <= m < 10^9, two at a time from short independent
 * divisions (one digit per division in a chain is slower: each waits on the last).
 */
function writeNineDigits(out: Uint8Array, p: number, m: number): void {
  const top = (m / 10000) | 0;
  const low = m - top * 10000;
  const first = (top / 10000) | 0;
  const mid = top - first * 10000;
  const m1 = (mid / 100) | 0;
  const m2 = mid - m1 * 100;
  const l1 = (low / 100) | 0;
  const l2 = low - l1 * 100;
  out[p] = ZERO + first;
  out[p + 1] = PAIRS[2 * m1]!;
  out[p + 2] = PAIRS[2 * m1 + 1]!;
  out[p + 3] = PAIRS[2 * m2]!;
  out[p + 4] = PAIRS[2 * m2 + 1]!;
  out[p + 5] = PAIRS[2 * l1]!;
  out[p + 6] = PAIRS[2 * l1 + 1]!;
  out[p + 7] = PAIRS[2 * l2]!;
  out[p + 8] = PAIRS[2 * l2 + 1]!;
}

/** Fraction digits of shortestDecimal's last answer (a second return value without an allocation). */
let fractionDigits = 0;

/**
 * For a float32 1e-6 <= a < 2^24, not an integer: the integer m such that
 * m / 10^k is the shortest decimal reading back as `a`, with k (its fraction
 * digits) left in fractionDigits; -1 if none was found (the slow path decides).
 */
function shortestDecimal(a: number): number {
  f32[0] = a;
  const b = bits[0]!;
  // Half the gaps to the neighbours: the round-trip interval (narrower below a power of two).
  bits[0] = b - 1;
  const below = (a - f32[0]!) * 0.5;
  bits[0] = b + 1;
  const above = (f32[0]! - a) * 0.5;
  // e = floor(log10(a)), by comparison (cheaper than Math.log10 for this range).
  let e = 0;
  if (a >= 1) {
    while (e < 7 && a >= POW10[e + 1]!) e++;
  } else {
    while (e > -6 && a < NEG_POW10[-e]!) e--;
  }
  // p significant digits take k = p - 1 - e fraction digits; 9 always suffice for float32.
  const k1 = e < 0 ? -e : 0;
  const k9 = Math.max(8 - e, k1);
  // Once k fraction digits round-trip, so do k + 1: the first k that does is the shortest.
  for (let k = k1; k <= k9; k++) {
    let m = inside(a, k, below, above);
    if (m < 0) continue;
    // The shortest form has no trailing zero unless k could go no lower.
    while (k > 0 && m % 10 === 0) {
      m /= 10;
      k--;
    }
    fractionDigits = k;
    return m;
  }
  return -1;
}

/**
 * The integer m nearest a * 10^k whose m / 10^k reads back as `a`, or -1.
 * Candidates near an edge of the interval are checked exactly, as the reader
 * rounds them (to a double, then to float32).
 */
function inside(a: number, k: number, below: number, above: number): number {
  const s = POW10[k]!;
  const y = a * s;
  const lo = y - below * s;
  const hi = y + above * s;
  const m = Math.floor(y + 0.5);
  const dl = m - lo;
  const dh = hi - m;
  if (dl >= MARGIN && dh >= MARGIN) return m;
  const edge = dl > -MARGIN && dh > -MARGIN;
  if (edge && Math.fround(m / s) === a) return m;
  // In a symmetric interval nothing is inside once the nearest is clearly out; below a
  // power of two the interval is wider above, so the next integer that way may be in.
  if (below === above && !edge) return -1;
  const n = dl < dh ? m + 1 : m - 1;
  const nl = n - lo;
  const nh = hi - n;
  if (nl >= MARGIN && nh >= MARGIN) return n;
  return nl > -MARGIN && nh > -MARGIN && Math.fround(n / s) === a ? n : -1;
}

/** m / 10^k in fixed notation (k digits after the point, leading zeros kept). */
function writeFixed(out: Uint8Array, at: number, m: number, k: number): number {
  if (k === 0) return writeDigits(out, at, m);
  const s = POW10[k]!;
  let ip = Math.floor(m / s);
  let frac = m - ip * s;
  // Guards the division rounding up to the next integer.
  if (frac < 0) {
    ip--;
    frac += s;
  }
  at = writeDigits(out, at, ip);
  out[at] = DOT;
  const end = at + 1 + k;
  for (let i = end - 1; i > at; i--) {
    const q = Math.floor(frac / 10);
    out[i] = ZERO + (frac - q * 10);
    frac = q;
  }
  return end;
}

/** The decimal digits of an integer 0 <= n < 2^53. */
export function writeDigits(out: Uint8Array, at: number, n: number): number {
  // Most integers in observations and metadata are small: one or two digits from a table.
  if (n < 100) {
    const v = n | 0;
    if (v < 10) {
      out[at] = ZERO + v;
      return at + 1;
    }
    out[at] = PAIRS[2 * v]!;
    out[at + 1] = PAIRS[2 * v + 1]!;
    return at + 2;
  }
  let len = 3;
  while (len < 16 && n >= POW10[len]!) len++;
  const end = at + len;
  let i = end;
  if (n < 2 ** 31) {
    // Int32 arithmetic while it fits (a division by 10 becomes a multiplication).
    let v = n | 0;
    do {
      const q = (v / 10) | 0;
      out[--i] = ZERO + (v - q * 10);
      v = q;
    } while (v > 0);
  } else {
    do {
      const q = Math.floor(n / 10);
      out[--i] = ZERO + (n - q * 10);
      n = q;
    } while (n > 0);
  }
  return end;
}

/** An ASCII string's bytes (a number's text, a JSON token). */
export function writeAscii(out: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  return at;
}

// Exact and slow: the nearest p-digit decimal for growing p, printed as JavaScript prints it.
function slowText(x: number): string {
  if (x - x !== 0 || x === 0) return `${x}`;
  for (let p = 1; p <= 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return `${v}`;
  }
  return `${x}`;
}
