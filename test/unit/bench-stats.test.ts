import { describe, expect, it } from "vitest";
import { formatPassRates, passRates, quartiles, warmUp } from "../../bench/stats.js";

describe("passRates", () => {
  it("takes the median of an odd and of an even number of passes, keeping their order", () => {
    const odd = passRates([3e6, 1e6, 2e6]);
    expect(odd.median).toBe(2e6);
    expect(odd.passes).toEqual([3e6, 1e6, 2e6]);
    expect(passRates([4e6, 1e6, 2e6, 3e6]).median).toBe(2.5e6);
  });

  it("keeps the cold pass apart from the median", () => {
    const r = passRates([2e6, 2.2e6, 2.4e6], 0.5e6);
    expect(r.median).toBe(2.2e6);
    expect(r.cold).toBe(0.5e6);
    expect(passRates([1e6]).cold).toBeUndefined();
  });
});

describe("formatPassRates", () => {
  it("prints the median, the range and the number of passes", () => {
    expect(formatPassRates(passRates([2.1e6, 2.95e6, 2.41e6]))).toBe(
      "2.41M (2.10M-2.95M over 3 passes)",
    );
  });

  it("says pass for a single one", () => {
    expect(formatPassRates(passRates([1.5e6]))).toBe("1.50M (1.50M-1.50M over 1 pass)");
  });

  it("adds the cold first pass when it is known", () => {
    expect(formatPassRates(passRates([3e6, 3.2e6, 3.1e6], 1.8e6))).toBe(
      "3.10M (3.00M-3.20M over 3 passes; cold first pass 1.80M)",
    );
  });
});

describe("warmUp", () => {
  it("runs every pass in order, at least one, and gives the first one's rate", async () => {
    const seen: number[] = [];
    const rate = (i: number) => {
      seen.push(i);
      return Promise.resolve((i + 1) * 1e6);
    };
    expect(await warmUp(3, rate)).toBe(1e6);
    expect(seen).toEqual([0, 1, 2]);
    seen.length = 0;
    expect(await warmUp(0, rate)).toBe(1e6);
    expect(seen).toEqual([0]);
  });
});

describe("quartiles", () => {
  it("interpolates between order statistics, whatever the input order", () => {
    expect(quartiles([5, 1, 3, 2, 4])).toEqual([2, 4]);
    expect(quartiles([0.1, 0.4, 0.2, 0.3])).toEqual(
      [0.175, 0.325].map((x) => expect.closeTo(x, 12)),
    );
    expect(quartiles([0.07])).toEqual([0.07, 0.07]);
    expect(quartiles([]).every(Number.isNaN)).toBe(true);
  });
});
