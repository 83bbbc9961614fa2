import { describe, expect, it } from "vitest";
import { createRng } from "../../envs/core/rng.js";
import { Box } from "../../envs/core/spaces/box.js";
import { MultiBinary } from "../../envs/core/spaces/multi-binary.js";

describe("MultiBinary", () => {
  it("takes a length or a shape", () => {
    expect(new MultiBinary(3).shape).toEqual([3]);
    expect(new MultiBinary([2, 3]).shape).toEqual([2, 3]);
    expect(new MultiBinary([2, 3]).size).toBe(6);
    expect(new MultiBinary(3).dtype).toBe("int8");
  });

  it("contains int8 arrays of zeros and ones", () => {
    const mb = new MultiBinary(4);
    expect(mb.contains(Int8Array.of(0, 1, 1, 0))).toBe(true);
    expect(mb.contains(new Int8Array(4))).toBe(true);
  });

  it("names the element that is not 0 or 1", () => {
    const mb = new MultiBinary([2, 3]);
    const x = new Int8Array(6);
    x[5] = 2;
    expect(mb.check(x, "action")).toEqual({ path: "action[1, 2]", reason: "= 2 is not 0 or 1" });
    x[5] = 0;
    x[1] = -1;
    expect(mb.check(x, "action")).toEqual({ path: "action[0, 1]", reason: "= -1 is not 0 or 1" });
  });

  it("rejects wrong sizes, non-tensors and float dtypes; accepts any integer dtype of 0/1 as Gymnasium does", () => {
    const mb = new MultiBinary(3);
    expect(mb.check(Int8Array.of(0, 1), "a")?.reason).toBe(
      "expected shape (3,) (3 elements), got 2 elements",
    );
    expect(mb.contains([0, 1, 0])).toBe(false);
    expect(mb.check(Float32Array.of(0, 1, 0), "a")?.reason).toBe(
      "dtype float32 cannot be safely cast to int8",
    );
    expect(mb.contains(Int16Array.of(0, 1, 0))).toBe(true);
    expect(mb.contains(Uint8Array.of(1, 1, 0))).toBe(true);
    expect(mb.check(Uint8Array.of(1, 2, 0), "a")?.path).toBe("a[1]");
  });

  it("samples deterministically, only zeros and ones, both appearing", () => {
    const mb = new MultiBinary([4, 4]);
    const a = mb.sample(createRng(21));
    expect(a).toBeInstanceOf(Int8Array);
    expect(Array.from(mb.sample(createRng(21)))).toEqual(Array.from(a));
    expect(mb.contains(a)).toBe(true);
    const rng = createRng(22);
    const all = Array.from({ length: 50 }, () => Array.from(mb.sample(rng))).flat();
    expect(new Set(all)).toEqual(new Set([0, 1]));
  });

  it("batches as an int8 Box of 0..1, as batch_space does", () => {
    const b = new MultiBinary([2, 3]).batch(4);
    expect(b).toBeInstanceOf(Box);
    expect(b.shape).toEqual([4, 2, 3]);
    expect(b.dtype).toBe("int8");
    expect(b.low.every((v) => v === 0)).toBe(true);
    expect(b.high.every((v) => v === 1)).toBe(true);
    expect(String(b)).toBe("Box(0, 1, (4, 2, 3), int8)");
    expect(String(new MultiBinary(3).batch(4))).toBe("Box(0, 1, (4, 3), int8)");
  });

  it("prints as Gymnasium's repr", () => {
    expect(String(new MultiBinary(3))).toBe("MultiBinary(3)");
    expect(String(new MultiBinary([2, 3]))).toBe("MultiBinary((2, 3))");
  });
});
