import h5wasm from "h5wasm/node";
import { type ArraySummary, episodeStats } from "./summary.js";

type H5Node = InstanceType<typeof h5wasm.Group> | InstanceType<typeof h5wasm.Dataset>;

// h5wasm names dtypes with Python struct codes.
const STRUCT_CODES: Readonly<Record<string, string>> = {
  b: "int8",
  B: "uint8",
  h: "int16",
  H: "uint16",
  i: "int32",
  I: "uint32",
  q: "int64",
  Q: "uint64",
  e: "float16",
  f: "float32",
  d: "float64",
  "?": "bool",
};

function dtypeName(node: InstanceType<typeof h5wasm.Dataset>): string {
  const meta = node.metadata as { enum_type?: { members?: Record<string, number> } };
  // h5py stores numpy bools as an int8 enum of FALSE/TRUE.
  if (meta.enum_type?.members && "TRUE" in meta.enum_type.members) return "bool";
  const dtype = node.dtype;
  if (typeof dtype !== "string") return "compound";
  const code = dtype.replace(/^[<>|=!]/, "");
  if (/^S\d*$/.test(code)) return "bytes";
  return STRUCT_CODES[code] ?? dtype;
}

/** A dataset's compression filter as h5py names it ("gzip 4"), or "none". */
function filterName(node: InstanceType<typeof h5wasm.Dataset>): string {
  const [f] = node.filters;
  if (!f) return "none";
  // Filter 1 is deflate, which h5py calls gzip; its first parameter is the level.
  return f.id === 1 ? `gzip ${f.cd_values[0] ?? ""}`.trim() : f.name;
}

/** Folds episode_12/actions into episode_{i}/actions, so a file lists each array once. */
const fold = (path: string) => path.replace(/episode_\d+/g, "episode_{i}");

/** Every array in an HDF5 file (episodes folded, rows summed) and episode stats by its layout. */
export async function inspectH5(path: string) {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "r");
  try {
    const arrays = new Map<string, ArraySummary & { rows: number }>();
    const lengths: number[] = [];
    const returns: number[] = [];
    let flatRewards: ArrayLike<number> | undefined;
    let flatEnds: ArrayLike<number> | undefined;
    const walk = (group: InstanceType<typeof h5wasm.Group>, prefix: string): void => {
      for (const key of group.keys()) {
        const node = group.get(key) as H5Node | null;
        const p = prefix ? `${prefix}/${key}` : key;
        if (node instanceof h5wasm.Dataset) {
          const shape = (node.shape ?? []).map(Number);
          const name = fold(p);
          const seen = arrays.get(name);
          arrays.set(name, {
            name,
            shape: seen ? [-1, ...shape.slice(1)] : shape,
            dtype: dtypeName(node),
            compression: seen?.compression ?? filterName(node),
            rows: (seen?.rows ?? 0) + (shape[0] ?? 0),
          });
          if (/^(episode_\d+\/)?rewards$/.test(p) && /episode_\d+/.test(p)) {
            const r = node.value as ArrayLike<number>;
            lengths.push(r.length);
            let s = 0;
            for (let i = 0; i < r.length; i++) s += Number(r[i]);
            returns.push(s);
          }
          if (p === "rewards") flatRewards = node.value as ArrayLike<number>;
          if (p === "terminals" || p === "timeouts") {
            const v = node.value as ArrayLike<number>;
            flatEnds = flatEnds
              ? Array.from(flatEnds, (x, i) => Number(x) || Number(v[i]))
              : Array.from(v, Number);
          }
        } else if (node instanceof h5wasm.Group) {
          walk(node, p);
        }
      }
    };
    walk(f, "");
    if (flatRewards && lengths.length === 0) {
      // D4RL layout: episodes end where terminals or timeouts are set.
      let len = 0;
      let ret = 0;
      for (let i = 0; i < flatRewards.length; i++) {
        len++;
        ret += Number(flatRewards[i]);
        if (flatEnds && Number(flatEnds[i])) {
          lengths.push(len);
          returns.push(ret);
          len = 0;
          ret = 0;
        }
      }
      if (len > 0) {
        lengths.push(len);
        returns.push(ret);
      }
    }
    const attrs = f.attrs as Record<string, { value: unknown }>;
    const rate = attrs.success_rate?.value;
    return {
      ...episodeStats(lengths, returns),
      successRate: typeof rate === "number" && Number.isFinite(rate) ? rate : undefined,
      arrays: [...arrays.values()].map(({ name, shape, dtype, compression, rows }) => ({
        name,
        shape: shape[0] === -1 ? [rows, ...shape.slice(1)] : shape,
        dtype,
        compression,
      })),
    };
  } finally {
    f.close();
  }
}
