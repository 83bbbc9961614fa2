import { describe, expect, it } from "vitest";
import { formatCostInterval } from "../../bench/recording-cost-bench.js";
import {
  formatPassRates,
  medianInterval,
  passRates,
  quartiles,
  warmUp,
} from "../../bench/stats.js";

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

/** P(Binomial(n, 1/2) <= j), exactly (BigInt binomial coefficients). */
function binomialBelow(n: number, j: number): number {
  let c = 1n;
  let sum = 0n;
  for (let i = 0; i <= j; i++) {
    sum += c;
    c = (c * BigInt(n - i)) / BigInt(i + 1);
  }
  return Number(sum) / 2 ** n;
}

describe("medianInterval", () => {
  it("takes the 3rd and 10th of 12 samples, whatever their order, covering 96.1%", () => {
    const xs = [7, 2, 12, 5, 1, 9, 11, 3, 10, 4, 8, 6].map((x) => x / 100);
    const i = medianInterval(xs);
    expect([i.lo, i.hi]).toEqual([0.03, 0.1]);
    expect(i.coverage).toBeCloseTo(1 - (2 * 79) / 4096, 12);
  });

  it("widens to the range, with its smaller coverage, when samples are too few", () => {
    expect(medianInterval([3, 1, 2, 5, 4])).toEqual({ lo: 1, hi: 5, coverage: 1 - 2 / 32 });
    expect(medianInterval([0.2])).toEqual({ lo: 0.2, hi: 0.2, coverage: 0 });
    const empty = medianInterval([]);
    expect(Number.isNaN(empty.lo) && Number.isNaN(empty.hi)).toBe(true);
  });

  it("is the narrowest pair of order statistics reaching the confidence, for n up to 60", () => {
    for (let n = 1; n <= 60; n++) {
      const xs = Array.from({ length: n }, (_, j) => n - j);
      for (const confidence of [0.5, 0.9, 0.95, 0.99]) {
        const i = medianInterval(xs, confidence);
        const k = i.lo; // xs hold 1..n: the lower bound is k itself.
        expect(i.hi).toBe(n + 1 - k);
        expect(i.coverage).toBeCloseTo(1 - 2 * binomialBelow(n, k - 1), 12);
        if (k > 1) expect(i.coverage).toBeGreaterThanOrEqual(confidence);
        // One order statistic further in would cover less than asked (or cross the middle).
        if (2 * (k + 1) <= n + 1) expect(1 - 2 * binomialBelow(n, k)).toBeLessThan(confidence);
      }
    }
  });

  it("prints as the recording-cost bench shows it", () => {
    expect(formatCostInterval({ lo: 0.012, hi: 0.081, coverage: 0.9614 })).toBe(
      "96% CI 1.2% to 8.1%",
    );
  });
});
