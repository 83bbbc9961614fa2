import { closest, distance } from "fastest-levenshtein";
import { InvalidConfigError } from "./errors.js";

/** Type of a config field. */
export type ConfigFieldType = "bool" | "int" | "double" | "string";

/** A config value after validation. */
export type ConfigValue = boolean | number | string;

/** One setting of an env, named in snake_case as in its typed proto message. */
export interface ConfigField {
  readonly name: string;
  readonly type: ConfigFieldType;
  readonly default: ConfigValue;
  readonly description: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly choices?: readonly string[];
}

/** The settings an env accepts, and the typed proto message that carries them. */
export interface ConfigSchema {
  /** Fully qualified proto message name, e.g. gymrpc.v1.envs.CartPoleConfig. */
  readonly messageType: string;
  readonly fields: readonly ConfigField[];
}

/** A validated config: every field of the schema, defaults filled in. */
export type ResolvedConfig = Readonly<Record<string, ConfigValue>>;

/**
 * Validates `given` against `schema` and fills in defaults. Unknown keys,
 * wrong types and out-of-range values throw InvalidConfigError naming the field.
 */
export function resolveConfig(
  schema: ConfigSchema,
  given: Readonly<Record<string, unknown>>,
): ResolvedConfig {
  const out: Record<string, ConfigValue> = {};
  const names = schema.fields.map((f) => f.name);
  for (const key of Object.keys(given)) {
    if (!names.includes(key)) {
      const hint = suggest(key, names);
      throw new InvalidConfigError(
        `config.${key}`,
        `unknown setting${hint ? `; did you mean "${hint}"?` : ""} (settings: ${names.join(", ") || "none"})`,
      );
    }
  }
  for (const field of schema.fields) {
    const raw = given[field.name];
    out[field.name] = raw === undefined || raw === null ? field.default : coerce(field, raw);
  }
  return out;
}

function coerce(field: ConfigField, raw: unknown): ConfigValue {
  const path = `config.${field.name}`;
  switch (field.type) {
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      throw new InvalidConfigError(path, `expected a boolean, got ${JSON.stringify(raw)}`);
    case "string": {
      if (typeof raw !== "string")
        throw new InvalidConfigError(path, `expected a string, got ${JSON.stringify(raw)}`);
      if (field.choices && field.choices.length > 0 && !field.choices.includes(raw)) {
        throw new InvalidConfigError(
          path,
          `must be one of ${field.choices.join(", ")}, got "${raw}"`,
        );
      }
      return raw;
    }
    default: {
      const v = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
      if (typeof v !== "number" || Number.isNaN(v)) {
        throw new InvalidConfigError(path, `expected a number, got ${JSON.stringify(raw)}`);
      }
      if (field.type === "int" && !Number.isSafeInteger(v)) {
        throw new InvalidConfigError(path, `expected an integer, got ${v}`);
      }
      if (field.minimum !== undefined && v < field.minimum) {
        throw new InvalidConfigError(path, `must be >= ${field.minimum}, got ${v}`);
      }
      if (field.maximum !== undefined && v > field.maximum) {
        throw new InvalidConfigError(path, `must be <= ${field.maximum}, got ${v}`);
      }
      return v;
    }
  }
}

/** The closest candidate when it is near enough to be a likely typo. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, candidates as string[]);
  return distance(name.toLowerCase(), best.toLowerCase()) <=
    Math.max(2, Math.floor(name.length / 3))
    ? best
    : undefined;
}

/** Up to `max` candidates ordered by edit distance, those within reach of a typo or sharing a prefix. */
export function closeMatches(name: string, candidates: readonly string[], max = 3): string[] {
  const lower = name.toLowerCase();
  return candidates
    .map((c) => ({ c, d: distance(lower, c.toLowerCase()) }))
    .filter(
      ({ c, d }) =>
        d <= Math.max(3, Math.floor(name.length / 2)) ||
        c.toLowerCase().startsWith(lower.slice(0, 4)),
    )
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map(({ c }) => c);
}
