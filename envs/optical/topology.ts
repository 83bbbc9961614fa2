/** A bidirectional fiber link between two nodes (0-based), with its length in km. */
export interface OpticalLink {
  readonly a: number;
  readonly b: number;
  readonly km: number;
}

/** An optical network: nodes 0..numNodes-1 and undirected links (one spectrum grid per link). */
export interface OpticalTopology {
  readonly name: string;
  readonly numNodes: number;
  readonly links: readonly OpticalLink[];
}

/** A route: its nodes, the link indices it crosses and its length in km. */
export interface OpticalPath {
  readonly nodes: readonly number[];
  readonly links: readonly number[];
  readonly km: number;
}

const link = (a: number, b: number, km: number): OpticalLink => ({ a, b, km });

/** NSFNET: 14 nodes, 21 links (the usual lengths in km). */
export const NSFNET: OpticalTopology = {
  name: "nsfnet",
  numNodes: 14,
  links: [
    link(0, 1, 2100),
    link(0, 2, 3000),
    link(0, 7, 4800),
    link(1, 2, 1200),
    link(1, 3, 1500),
    link(2, 5, 3600),
    link(3, 4, 1200),
    link(3, 10, 3900),
    link(4, 5, 2400),
    link(4, 6, 1200),
    link(5, 9, 2100),
    link(5, 13, 3600),
    link(6, 7, 1500),
    link(7, 8, 1500),
    link(8, 9, 1500),
    link(8, 11, 600),
    link(8, 12, 600),
    link(10, 11, 1200),
    link(10, 12, 1500),
    link(11, 13, 600),
    link(12, 13, 300),
  ],
};

/** COST239 (pan-European): 11 nodes, 26 links (lengths approximate, in km). */
export const COST239: OpticalTopology = {
  name: "cost239",
  numNodes: 11,
  links: [
    link(0, 1, 450),
    link(0, 2, 390),
    link(0, 3, 550),
    link(0, 7, 1310),
    link(1, 2, 300),
    link(1, 4, 400),
    link(1, 5, 600),
    link(1, 8, 820),
    link(2, 3, 210),
    link(2, 4, 220),
    link(2, 6, 400),
    link(3, 6, 390),
    link(3, 7, 760),
    link(3, 9, 660),
    link(4, 5, 350),
    link(4, 6, 320),
    link(4, 10, 730),
    link(5, 8, 320),
    link(5, 10, 565),
    link(6, 7, 340),
    link(6, 10, 730),
    link(7, 9, 390),
    link(7, 10, 820),
    link(8, 9, 730),
    link(8, 10, 300),
    link(9, 10, 760),
  ],
};

/** Topologies by config name. */
export const OPTICAL_TOPOLOGIES: Readonly<Record<string, OpticalTopology>> = {
  nsfnet: NSFNET,
  cost239: COST239,
};

/** Adjacency: per node, [neighbor, link index] pairs. */
export function adjacency(t: OpticalTopology): [number, number][][] {
  const adj: [number, number][][] = Array.from({ length: t.numNodes }, () => []);
  t.links.forEach((l, i) => {
    adj[l.a]!.push([l.b, i]);
    adj[l.b]!.push([l.a, i]);
  });
  return adj;
}

// Dijkstra by km avoiding banned nodes and links; ties broken by node index for determinism.
function shortest(
  t: OpticalTopology,
  adj: [number, number][][],
  src: number,
  dst: number,
  bannedNodes: ReadonlySet<number>,
  bannedLinks: ReadonlySet<number>,
): OpticalPath | undefined {
  const dist = new Float64Array(t.numNodes).fill(Number.POSITIVE_INFINITY);
  const prev = new Int32Array(t.numNodes).fill(-1);
  const prevLink = new Int32Array(t.numNodes).fill(-1);
  const done = new Uint8Array(t.numNodes);
  dist[src] = 0;
  for (;;) {
    let u = -1;
    for (let v = 0; v < t.numNodes; v++) {
      if (!done[v] && !bannedNodes.has(v) && dist[v]! < Number.POSITIVE_INFINITY) {
        if (u < 0 || dist[v]! < dist[u]!) u = v;
      }
    }
    if (u < 0 || u === dst) break;
    done[u] = 1;
    for (const [v, li] of adj[u]!) {
      if (bannedNodes.has(v) || bannedLinks.has(li) || done[v]) continue;
      const d = dist[u]! + t.links[li]!.km;
      if (d < dist[v]!) {
        dist[v] = d;
        prev[v] = u;
        prevLink[v] = li;
      }
    }
  }
  if (dist[dst] === Number.POSITIVE_INFINITY) return undefined;
  const nodes = [dst];
  const links: number[] = [];
  for (let v = dst; v !== src; v = prev[v]!) {
    links.unshift(prevLink[v]!);
    nodes.unshift(prev[v]!);
  }
  return { nodes, links, km: dist[dst]! };
}

/** Yen's k shortest loopless paths by length (fewer when the graph has fewer). */
export function kShortestPaths(
  t: OpticalTopology,
  src: number,
  dst: number,
  k: number,
): OpticalPath[] {
  const adj = adjacency(t);
  const first = shortest(t, adj, src, dst, new Set(), new Set());
  if (!first || src === dst) return [];
  const found: OpticalPath[] = [first];
  const candidates: OpticalPath[] = [];
  const key = (p: OpticalPath) => p.nodes.join(",");
  while (found.length < k) {
    const last = found[found.length - 1]!;
    for (let i = 0; i < last.nodes.length - 1; i++) {
      const spur = last.nodes[i]!;
      const rootNodes = last.nodes.slice(0, i + 1);
      const rootLinks = last.links.slice(0, i);
      const bannedLinks = new Set<number>();
      for (const p of found) {
        if (p.nodes.length > i && p.nodes.slice(0, i + 1).join(",") === rootNodes.join(",")) {
          bannedLinks.add(p.links[i]!);
        }
      }
      const bannedNodes = new Set(rootNodes.slice(0, -1));
      const tail = shortest(t, adj, spur, dst, bannedNodes, bannedLinks);
      if (!tail) continue;
      const rootKm = rootLinks.reduce((s, li) => s + t.links[li]!.km, 0);
      const path: OpticalPath = {
        nodes: [...rootNodes.slice(0, -1), ...tail.nodes],
        links: [...rootLinks, ...tail.links],
        km: rootKm + tail.km,
      };
      const pk = key(path);
      if (!candidates.some((c) => key(c) === pk) && !found.some((f) => key(f) === pk)) {
        candidates.push(path);
      }
    }
    if (candidates.length === 0) break;
    candidates.sort((x, y) => x.km - y.km || x.links.length - y.links.length);
    found.push(candidates.shift()!);
  }
  return found;
}

/** Hop distances from `from` to every node (BFS). */
export function hopDistances(t: OpticalTopology, from: number): Int32Array {
  const adj = adjacency(t);
  const dist = new Int32Array(t.numNodes).fill(-1);
  dist[from] = 0;
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    for (const [v] of adj[u]!) {
      if (dist[v] === -1) {
        dist[v] = dist[u]! + 1;
        queue.push(v);
      }
    }
  }
  return dist;
}
