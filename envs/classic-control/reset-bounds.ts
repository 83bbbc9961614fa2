import { InvalidArgumentError } from "../core/errors.js";

/**
 * Reads options[key] as Gymnasium's utils.verify_number_and_cast does, or
 * `fallback` when absent; only finite numbers are accepted.
 */
export function parseResetNumber(
  options: Readonly<Record<string, unknown>> | undefined,
  key: string,
  fallback: number,
): number {
  const v = options?.[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new InvalidArgumentError(
      `options.${key}`,
      `expected a finite number, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

/** Gymnasium's utils.maybe_parse_reset_bounds: options.low / options.high override the defaults. */
export function parseResetBounds(
  options: Readonly<Record<string, unknown>> | undefined,
  defaultLow: number,
  defaultHigh: number,
): { low: number; high: number } {
  const low = parseResetNumber(options, "low", defaultLow);
  const high = parseResetNumber(options, "high", defaultHigh);
  if (low > high)
    throw new InvalidArgumentError("options.low", `low (${low}) is greater than high (${high})`);
  return { low, high };
}
