import { kShortestPaths, type OpticalPath, type OpticalTopology } from "./topology.js";

/**
 * The k shortest paths of every node pair of a topology, laid out for the
 * per-request hot path. Path j of pair (s, d) is global path
 * g = (s * numNodes + d) * k + j; its links are links[offset[g] .. offset[g + 1]).
 */
export interface PathTable {
  readonly numNodes: number;
  readonly k: number;
  /** Paths per pair (index s * numNodes + d); fewer than k when the graph has fewer. */
  readonly pairs: readonly (readonly OpticalPath[])[];
  /** Number of paths of each pair. */
  readonly count: Uint8Array;
  readonly offset: Int32Array;
  readonly links: Int32Array;
  readonly km: Float64Array;
  /** Bit j of disjoint[g]: path j of g's pair shares no link with g. */
  readonly disjoint: Uint32Array;
}

// Yen's algorithm runs once per (topology, k) in a process, whatever the number of envs.
const cache = new WeakMap<OpticalTopology, Map<number, PathTable>>();

/** The path table of a topology for k paths per pair (computed once, then shared). */
export function pathTable(topology: OpticalTopology, k: number): PathTable {
  let byK = cache.get(topology);
  if (!byK) {
    byK = new Map();
    cache.set(topology, byK);
  }
  let t = byK.get(k);
  if (!t) {
    t = buildPathTable(topology, k);
    byK.set(k, t);
  }
  return t;
}

function buildPathTable(topology: OpticalTopology, k: number): PathTable {
  const n = topology.numNodes;
  const pairs: OpticalPath[][] = [];
  for (let s = 0; s < n; s++) {
    for (let d = 0; d < n; d++) pairs.push(s === d ? [] : kShortestPaths(topology, s, d, k));
  }
  const total = n * n * k;
  const count = new Uint8Array(n * n);
  const offset = new Int32Array(total + 1);
  const km = new Float64Array(total);
  const disjoint = new Uint32Array(total);
  const links: number[] = [];
  for (let pair = 0; pair < n * n; pair++) {
    const ps = pairs[pair]!;
    count[pair] = ps.length;
    for (let j = 0; j < k; j++) {
      const g = pair * k + j;
      offset[g] = links.length;
      const p = ps[j];
      if (!p) continue;
      links.push(...p.links);
      km[g] = p.km;
      for (let i = 0; i < ps.length; i++) {
        if (!ps[i]!.links.some((l) => p.links.includes(l))) disjoint[g] = disjoint[g]! | (1 << i);
      }
    }
  }
  offset[total] = links.length;
  return { numNodes: n, k, pairs, count, offset, links: Int32Array.from(links), km, disjoint };
}
