import { createReadStream, existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { type ArraySummary, episodeStats } from "./summary.js";

// Python's json writes NaN/Infinity as bare tokens; make them parseable here.
const parse = (line: string): Record<string, unknown> =>
  JSON.parse(line.replace(/\bNaN\b/g, "null").replace(/-?\bInfinity\b/g, "null")) as Record<
    string,
    unknown
  >;

async function* lines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path);
  const rl = createInterface({
    input: path.endsWith(".gz") ? input.pipe(createGunzip()) : input,
    crlfDelay: Infinity,
  });
  for await (const line of rl) if (line.trim()) yield line;
}

function shapeOf(v: unknown): number[] {
  return Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : [];
}

function describe(name: string, v: unknown): ArraySummary[] {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    return Object.entries(v).flatMap(([k, x]) => describe(`${name}.${k}`, x));
  }
  const kind = typeof (Array.isArray(v) ? v.flat(Infinity)[0] : v);
  return [
    {
      name,
      shape: shapeOf(v),
      dtype: kind === "boolean" ? "bool" : kind === "number" ? "number" : kind,
    },
  ];
}

/** Transitions, fields and episode stats of a seed-001 JSONL dataset (and its .episodes index). */
export async function inspectJsonl(path: string) {
  let count = 0;
  let first: Record<string, unknown> | undefined;
  const lengths = new Map<number, number>();
  const returns = new Map<number, number>();
  for await (const line of lines(path)) {
    const row = parse(line);
    first ??= row;
    count++;
    const id = Number((row.meta as Record<string, unknown> | undefined)?.episode_id ?? 0);
    lengths.set(id, (lengths.get(id) ?? 0) + 1);
    returns.set(id, (returns.get(id) ?? 0) + Number(row.reward ?? 0));
  }
  const arrays: ArraySummary[] = first
    ? ["state", "action", "reward", "next_state", "action_mask"].flatMap((k) =>
        describe(k, first![k]).map((a) => ({ ...a, shape: [count, ...a.shape] })),
      )
    : [];
  const sidecar = `${path.replace(/\.jsonl(\.gz)?$/i, "")}.episodes.jsonl${path.endsWith(".gz") ? ".gz" : ""}`;
  let successRate: number | undefined;
  if (existsSync(sidecar)) {
    let reported = 0;
    let ok = 0;
    for await (const line of lines(sidecar)) {
      const s = parse(line).success;
      if (typeof s === "boolean") {
        reported++;
        if (s) ok++;
      }
    }
    successRate = reported ? ok / reported : undefined;
  }
  return { ...episodeStats([...lengths.values()], [...returns.values()]), successRate, arrays };
}
