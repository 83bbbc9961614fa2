import { InvalidArgumentError } from "../core/errors.js";

/** Gymnasium's utils.maybe_parse_reset_bounds: options.low / options.high override the defaults. */
export function parseResetBounds(
  options: Readonly<Record<string, unknown>> | undefined,
  defaultLow: number,
  defaultHigh: number,
): { low: number; high: number } {
  const read = (key: "low" | "high", fallback: number): number => {
    const v = options?.[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new InvalidArgumentError(`options.${key}`, `expected a finite number, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const low = read("low", defaultLow);
  const high = read("high", defaultHigh);
  if (low > high) throw new InvalidArgumentError("options.low", `low (${low}) is greater than high (${high})`);
  return { low, high };
}
