import { describe, expect, it } from "vitest";
import {
  allocate,
  asNumbers,
  canCastSafely,
  DTYPES,
  type DtypeName,
  elementAt,
  isDtypeName,
  isTypedArray,
  shapeSize,
} from "../../envs/core/dtype.js";
import { createRng } from "../../envs/core/rng.js";

const NAMES: DtypeName[] = [
  "float32",
  "float64",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "bool",
];

/**
 * numpy 2.4 `np.can_cast(np.dtype(row), np.dtype(col), "safe")`, rows and
 * columns in the order of NAMES (generated once with numpy, hard-coded here).
 */
const NUMPY_SAFE_CAST: Record<DtypeName, string> = {
  float32: "11000000000",
  float64: "01000000000",
  int8: "11111100000",
  int16: "11011100000",
  int32: "01001100000",
  int64: "01000100000",
  uint8: "11011111110",
  uint16: "11001101110",
  uint32: "01000100110",
  uint64: "01000000010",
  bool: "11111111111",
};

describe("canCastSafely", () => {
  for (const from of NAMES) {
    it(`matches numpy's can_cast(${from}, *, "safe") row`, () => {
      const row = NAMES.map((to) => (canCastSafely(from, to) ? "1" : "0")).join("");
      expect(row).toBe(NUMPY_SAFE_CAST[from]);
    });
  }

  it("pins the cases the spaces rely on", () => {
    expect(canCastSafely("int32", "int64")).toBe(true);
    expect(canCastSafely("int64", "int32")).toBe(false);
    expect(canCastSafely("float64", "float32")).toBe(false);
    expect(canCastSafely("float32", "float64")).toBe(true);
    expect(canCastSafely("uint8", "int16")).toBe(true);
    expect(canCastSafely("uint8", "int8")).toBe(false);
    expect(canCastSafely("int8", "uint8")).toBe(false);
    expect(canCastSafely("int16", "float32")).toBe(true);
    expect(canCastSafely("int32", "float32")).toBe(false);
    // numpy treats every integer -> float64 as safe, int64 and uint64 included.
    expect(canCastSafely("int64", "float64")).toBe(true);
    expect(canCastSafely("uint64", "float64")).toBe(true);
    expect(canCastSafely("uint64", "int64")).toBe(false);
    expect(canCastSafely("float32", "int64")).toBe(false);
    expect(canCastSafely("bool", "int8")).toBe(true);
    expect(canCastSafely("int8", "bool")).toBe(false);
  });
});

describe("asNumbers", () => {
  it("returns non-64-bit arrays themselves", () => {
    const f = Float32Array.of(1.5, -2);
    const i = Int16Array.of(-3, 4);
    expect(asNumbers(f)).toBe(f);
    expect(asNumbers(i)).toBe(i);
  });

  it("converts BigInt64Array values, negative and beyond 2^32, exactly", () => {
    const values = [
      0n,
      1n,
      -1n,
      -2n,
      2n ** 31n,
      -(2n ** 31n),
      2n ** 32n - 1n,
      2n ** 32n,
      2n ** 32n + 5n,
      -(2n ** 32n) - 7n,
      123456789012345n,
      -987654321098765n,
      2n ** 53n,
      -(2n ** 53n),
    ];
    const out = asNumbers(BigInt64Array.from(values));
    expect(out).toBeInstanceOf(Float64Array);
    expect(Array.from(out)).toEqual(values.map(Number));
    expect(out[2]).toBe(-1);
    expect(out[8]).toBe(4294967301);
    expect(out[9]).toBe(-4294967303);
  });

  it("rounds int64 values beyond 2^53 as Number(bigint) does, extremes included", () => {
    const values = [
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 53n + 1n,
      -(2n ** 53n) - 3n,
      2n ** 62n + 12345n,
    ];
    const out = asNumbers(BigInt64Array.from(values));
    expect(Array.from(out)).toEqual(values.map(Number));
  });

  it("agrees with Number() on random int64 and uint64 values", () => {
    const rng = createRng(7);
    const signed = new BigInt64Array(500);
    const unsigned = new BigUint64Array(500);
    for (let i = 0; i < 500; i++) {
      const hi = BigInt(rng.integers(0, 2 ** 32));
      const lo = BigInt(rng.integers(0, 2 ** 32));
      signed[i] = BigInt.asIntN(64, (hi << 32n) | lo);
      unsigned[i] = (hi << 32n) | lo;
    }
    expect(Array.from(asNumbers(signed))).toEqual(Array.from(signed, Number));
    expect(Array.from(asNumbers(unsigned))).toEqual(Array.from(unsigned, Number));
  });

  it("converts BigUint64Array values above 2^63 as unsigned", () => {
    const values = [2n ** 64n - 1n, 2n ** 63n, 2n ** 32n, 4294967295n, 0n];
    expect(Array.from(asNumbers(BigUint64Array.from(values)))).toEqual(values.map(Number));
  });

  it("honours the byteOffset of a subarray view", () => {
    const big = BigInt64Array.of(-5n, 2n ** 40n, -(2n ** 33n), 9n);
    expect(Array.from(asNumbers(big.subarray(1, 3)))).toEqual([2 ** 40, -(2 ** 33)]);
  });
});

describe("dtype helpers", () => {
  it("elementAt reads any typed array as a number", () => {
    expect(elementAt(BigInt64Array.of(-7n), 0)).toBe(-7);
    expect(elementAt(Uint8Array.of(200), 0)).toBe(200);
    expect(elementAt(Float32Array.of(0.5), 0)).toBe(0.5);
  });

  it("shapeSize multiplies dimensions, 1 for a scalar and 0 for an empty axis", () => {
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([4])).toBe(4);
    expect(shapeSize([2, 3, 5])).toBe(30);
    expect(shapeSize([3, 0])).toBe(0);
  });

  it("allocate returns zeroed arrays of the dtype's typed array class", () => {
    const expected: Record<DtypeName, unknown> = {
      float32: Float32Array,
      float64: Float64Array,
      int8: Int8Array,
      int16: Int16Array,
      int32: Int32Array,
      int64: BigInt64Array,
      uint8: Uint8Array,
      uint16: Uint16Array,
      uint32: Uint32Array,
      uint64: BigUint64Array,
      bool: Uint8Array,
    };
    for (const name of NAMES) {
      const arr = allocate(name, 3);
      expect(arr).toBeInstanceOf(expected[name] as new () => unknown);
      expect(arr.length).toBe(3);
      expect(Array.from(arr, Number)).toEqual([0, 0, 0]);
      expect(DTYPES[name].itemSize).toBe(arr.BYTES_PER_ELEMENT);
    }
  });

  it("DTYPES records numpy's kind codes and integer ranges", () => {
    expect(DTYPES.float32.kind).toBe("f");
    expect(DTYPES.int8.kind).toBe("i");
    expect(DTYPES.uint16.kind).toBe("u");
    expect(DTYPES.bool.kind).toBe("b");
    expect([DTYPES.int8.min, DTYPES.int8.max]).toEqual([-128, 127]);
    expect([DTYPES.uint8.min, DTYPES.uint8.max]).toEqual([0, 255]);
    expect([DTYPES.int32.min, DTYPES.int32.max]).toEqual([-(2 ** 31), 2 ** 31 - 1]);
    expect(DTYPES.float64.max).toBe(Infinity);
  });

  it("isDtypeName accepts exactly the dtype names", () => {
    for (const name of NAMES) expect(isDtypeName(name)).toBe(true);
    expect(isDtypeName("float16")).toBe(false);
    expect(isDtypeName("toString")).toBe(false);
    expect(isDtypeName("Float32")).toBe(false);
  });

  it("isTypedArray accepts typed arrays and rejects DataView and plain arrays", () => {
    expect(isTypedArray(new Float32Array(1))).toBe(true);
    expect(isTypedArray(new BigUint64Array(1))).toBe(true);
    expect(isTypedArray(new DataView(new ArrayBuffer(4)))).toBe(false);
    expect(isTypedArray([1, 2])).toBe(false);
    expect(isTypedArray(new ArrayBuffer(4))).toBe(false);
  });
});
