import { describe, expect, it } from "vitest";
import { float32Text, writeDigits } from "../../recorders/float32-text.js";

const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);
const fromBits = (b: number) => {
  bits[0] = b;
  return f32[0]!;
};

// The reference: the fewest significant digits p whose nearest p-digit decimal reads back as x.
function shortestDigits(x: number): number {
  for (let p = 1; p <= 9; p++) if (Math.fround(Number(x.toPrecision(p))) === x) return p;
  throw new Error(`no 9-digit form of ${x}`);
}

// Significant digits of a decimal text (leading zeros, point, sign and exponent aside).
function digitsOf(s: string): number {
  const mantissa = s.replace(/^-/, "").replace(/e.*$/, "").replace(".", "");
  return Math.max(1, mantissa.replace(/^0+/, "").replace(/0+$/, "").length);
}

// Every failure, so one run shows all of them (expect in a million-value loop is slow).
function failures(values: Iterable<number>): string[] {
  const bad: string[] = [];
  for (const x of values) {
    const s = float32Text(x);
    if (Math.fround(Number(s)) !== x) bad.push(`${x} -> ${s} reads back as another float32`);
    else if (String(Number(s)) !== s) bad.push(`${x} -> ${s} is not JavaScript's notation`);
    else if (digitsOf(s) > shortestDigits(x)) bad.push(`${x} -> ${s} is not the shortest`);
    if (bad.length > 10) break;
  }
  return bad;
}

function* randomBitPatterns(n: number): Generator<number> {
  for (let i = 0; i < n; i++) {
    const x = fromBits((Math.random() * 2 ** 32) >>> 0);
    if (Number.isFinite(x)) yield x;
  }
}

// Float32 values next to 10^e and 2^e for every exponent, both signs.
function* nearPowers(): Generator<number> {
  for (let e = -45; e <= 38; e++) {
    f32[0] = Number(`1e${e}`);
    const b = bits[0]!;
    for (let d = -40; d <= 40; d++) {
      const x = fromBits(b + d);
      if (Number.isFinite(x)) yield* [x, -x];
    }
  }
  for (let e = -149; e <= 127; e++) {
    f32[0] = 2 ** e;
    const b = bits[0]!;
    for (let d = -3; d <= 3; d++) {
      const x = fromBits(b + d);
      if (Number.isFinite(x)) yield x;
    }
  }
}

function* typicalData(n: number): Generator<number> {
  for (let i = 0; i < n; i++) {
    yield Math.fround(Math.random());
    yield Math.fround(Math.random() * 200 - 100);
    yield Math.fround(10 ** (Math.random() * 15 - 8));
    // Short decimals (0.1, 2.25, ...) as float32, which must come back short.
    yield Math.fround(Number((Math.random() * 1000).toFixed(i % 7)));
  }
}

describe("float32Text", () => {
  it("writes the shortest decimal that reads back as the float32, for a million random bit patterns", () => {
    expect(failures(randomBitPatterns(1_000_000))).toEqual([]);
  });

  it("does so next to every power of ten and of two, subnormals included", () => {
    expect(failures(nearPowers())).toEqual([]);
  });

  it("does so for data-like values: uniform, signed, log-uniform and short decimals", () => {
    expect(failures(typicalData(100_000))).toEqual([]);
  });

  it("prints float32 values as numpy does, and integers, zeros and huge or tiny values in JavaScript's notation", () => {
    const cases: [number, string][] = [
      [0.1, "0.1"],
      [-0.1, "-0.1"],
      [1 / 3, "0.33333334"],
      [0.2857143, "0.2857143"],
      [1.5526211, "1.5526211"],
      [0.5, "0.5"],
      [73, "73"],
      [-2, "-2"],
      [0, "0"],
      [-0, "0"],
      [16777216, "16777216"],
      [3e38, "3e+38"],
      [1e20, "100000000000000000000"],
      [1e-7, "1e-7"],
      [1.4e-45, "1e-45"],
      [123456.789, "123456.79"],
    ];
    expect(cases.map(([x]) => float32Text(Math.fround(x)))).toEqual(cases.map(([, s]) => s));
  });

  it("gives a double that is not a float32 its exact JavaScript text", () => {
    for (const x of [0.1 + 0.2, Math.PI, 1e-300, 2 ** 60 + 2 ** 8])
      expect(float32Text(x)).toBe(String(x));
    expect([Number.NaN, Number.POSITIVE_INFINITY].map(float32Text)).toEqual(["NaN", "Infinity"]);
  });
});

describe("writeDigits", () => {
  it("writes integers up to 2^53 as String() does", () => {
    const out = new Uint8Array(32);
    const values = [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1];
    for (let i = 0; i < 10_000; i++) values.push(Math.floor(Math.random() * 2 ** (i % 54)));
    for (const n of values) {
      const end = writeDigits(out, 0, n);
      expect(Buffer.from(out.subarray(0, end)).toString("latin1")).toBe(String(n));
    }
  });
});
