import { describe, expect, it } from "vitest";
import { decodeInfo, encodeInfo } from "../../proto/codec/value-codec.js";

describe("info codec", () => {
  it("shapes a vectorized session's per-sub-env arrays (num_envs, k) and keeps masks (num_envs,)", () => {
    const info = {
      weights: Float64Array.from({ length: 6 }, (_, i) => i),
      _weights: Uint8Array.of(1, 0, 1),
    };
    const wire = encodeInfo(info, 3);
    const shapes = Object.fromEntries(
      wire.entries.map((e) => [
        e.key,
        e.value?.kind?.$case === "tensor" ? e.value.kind.value.shape : undefined,
      ]),
    );
    expect(shapes).toEqual({ weights: [3, 2], _weights: [3] });
    const single = encodeInfo({ weights: Float64Array.of(1, 2) });
    expect(
      single.entries[0]?.value?.kind?.$case === "tensor" &&
        single.entries[0].value.kind.value.shape,
    ).toEqual([2]);
  });

  it("round-trips numbers, booleans, strings, arrays and nested dicts", () => {
    const info = {
      n: 1.5,
      b: true,
      s: "pre",
      a: Int32Array.of(3, 4),
      d: { x: 2, y: false },
      t: ["u", 7],
    };
    expect(decodeInfo(encodeInfo(info))).toEqual({ ...info, a: Int32Array.of(3, 4) });
  });
});
