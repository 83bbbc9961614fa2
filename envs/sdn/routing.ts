import type { Topology } from "./topology.js";

/**
 * Destination-based shortest-path routing (Dijkstra) under per-link weights,
 * as an SDN controller installs it: every switch forwards toward destination d
 * along its own shortest path, so the routes toward d form a loop-free tree.
 *
 * Ties between equal-cost next hops go to the lowest-numbered neighbor, so the
 * routes depend only on the weights, never on the order of computation.
 */
export class Router {
  readonly numSwitches: number;
  /** dirLink[v * n + u]: directed link v→u (2l for link l's a→b, 2l + 1 for b→a), or -1. */
  readonly dirLink: Int32Array;
  /** next[d * n + v]: the switch after v on the way to d (v itself when v = d). */
  readonly next: Int32Array;
  private readonly neighbors: Int32Array[];
  private readonly neighborLinks: Int32Array[];
  private readonly dist: Float64Array;
  private readonly done: Uint8Array;

  constructor(topology: Topology) {
    const n = topology.numSwitches;
    this.numSwitches = n;
    this.dirLink = new Int32Array(n * n).fill(-1);
    this.next = new Int32Array(n * n);
    this.dist = new Float64Array(n);
    this.done = new Uint8Array(n);
    const adj: [number, number][][] = Array.from({ length: n }, () => []);
    topology.links.forEach(({ a, b }, l) => {
      adj[a]!.push([b, l]);
      adj[b]!.push([a, l]);
      this.dirLink[a * n + b] = 2 * l;
      this.dirLink[b * n + a] = 2 * l + 1;
    });
    // Ascending neighbor order makes the tie-break "lowest-numbered neighbor".
    for (const list of adj) list.sort((x, y) => x[0] - y[0]);
    this.neighbors = adj.map((list) => Int32Array.from(list, ([u]) => u));
    this.neighborLinks = adj.map((list) => Int32Array.from(list, ([, l]) => l));
  }

  /** Recomputes every next hop for `weights` (one positive weight per link). */
  update(weights: ArrayLike<number>): void {
    const n = this.numSwitches;
    const { dist, done, next, neighbors, neighborLinks } = this;
    for (let d = 0; d < n; d++) {
      dist.fill(Infinity);
      done.fill(0);
      dist[d] = 0;
      // O(n^2) Dijkstra: faster than a heap for the tens of switches these topologies have.
      for (let k = 0; k < n; k++) {
        let v = -1;
        let best = Infinity;
        for (let i = 0; i < n; i++) {
          if (!done[i] && dist[i]! < best) {
            best = dist[i]!;
            v = i;
          }
        }
        if (v < 0) break;
        done[v] = 1;
        const nb = neighbors[v]!;
        const nl = neighborLinks[v]!;
        for (let j = 0; j < nb.length; j++) {
          const u = nb[j]!;
          const c = best + weights[nl[j]!]!;
          if (c < dist[u]!) dist[u] = c;
        }
      }
      const row = d * n;
      for (let v = 0; v < n; v++) {
        if (v === d) {
          next[row + v] = v;
          continue;
        }
        const nb = neighbors[v]!;
        const nl = neighborLinks[v]!;
        let hop = -1;
        let cost = Infinity;
        for (let j = 0; j < nb.length; j++) {
          const c = weights[nl[j]!]! + dist[nb[j]!]!;
          // Strictly better by more than rounding noise: equal costs keep the lower neighbor.
          if (hop < 0 || c < cost - 1e-9 * cost) {
            cost = c;
            hop = nb[j]!;
          }
        }
        next[row + v] = hop;
      }
    }
  }

  /** The switches from `src` to `dst`, both included. */
  path(src: number, dst: number): number[] {
    const n = this.numSwitches;
    const out = [src];
    let v = src;
    while (v !== dst) {
      v = this.next[dst * n + v]!;
      out.push(v);
    }
    return out;
  }
}

/**
 * Maps an action in [-1, 1] per link to weights: w = base * range^a, so 0 keeps
 * the base weight and ±1 multiplies or divides it by `range`.
 */
export function actionToWeights(
  action: ArrayLike<number | bigint>,
  base: ArrayLike<number>,
  range: number,
  out: Float64Array,
): Float64Array {
  const lnR = Math.log(range);
  for (let l = 0; l < out.length; l++) {
    // Clipped although the action space already bounds it: a weight must stay positive and finite.
    const a = Math.min(1, Math.max(-1, Number(action[l])));
    out[l] = base[l]! * Math.exp(a * lnR);
  }
  return out;
}
