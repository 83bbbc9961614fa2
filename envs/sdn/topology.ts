import { InvalidConfigError } from "../core/errors.js";

/** An undirected inter-switch link; switches are numbered from 0 (switch i is Mininet's s(i+1), dpid i+1). */
export interface TopologyLink {
  readonly a: number;
  readonly b: number;
  /** Capacity of each direction in Mbps (full duplex). */
  readonly capacityMbps: number;
}

/** Switches, links and one host per switch (host i is Mininet's h(i+1), 10.0.0.(i+1), on switch i). */
export interface Topology {
  readonly name: string;
  readonly numSwitches: number;
  readonly links: readonly TopologyLink[];
  /** Display names of the switches (city codes for the named topologies). */
  readonly switchNames: readonly string[];
}

/** Names accepted by the `topology` setting. */
export const TOPOLOGY_NAMES = ["default", "abilene", "nsfnet", "custom"] as const;

/** A topology name. */
export type TopologyName = (typeof TOPOLOGY_NAMES)[number];

type Edge = readonly [number, number];

// The seed's dimensions: 10 links (12-dim observation). Six switches on a ring
// with four chords, so most host pairs have two or more near-equal routes.
const DEFAULT_EDGES: readonly Edge[] = [
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 5],
  [5, 6],
  [6, 1],
  [1, 4],
  [2, 5],
  [3, 6],
  [2, 6],
];

// Abilene (Internet2 backbone, as in SNDlib's "abilene" without the ATLA-M5 stub):
// 11 PoPs, 14 links.
const ABILENE_NODES = [
  "ATLA",
  "CHIN",
  "DNVR",
  "HSTN",
  "IPLS",
  "KSCY",
  "LOSA",
  "NYCM",
  "SNVA",
  "STTL",
  "WASH",
];
const ABILENE_LINKS: readonly (readonly [string, string])[] = [
  ["ATLA", "HSTN"],
  ["ATLA", "IPLS"],
  ["ATLA", "WASH"],
  ["CHIN", "IPLS"],
  ["CHIN", "NYCM"],
  ["DNVR", "KSCY"],
  ["DNVR", "SNVA"],
  ["DNVR", "STTL"],
  ["HSTN", "KSCY"],
  ["HSTN", "LOSA"],
  ["IPLS", "KSCY"],
  ["LOSA", "SNVA"],
  ["NYCM", "WASH"],
  ["SNVA", "STTL"],
];

// NSFNET T1 backbone as used throughout the routing literature: 14 nodes, 21 links.
const NSFNET_NODES = [
  "WA", // Seattle
  "CA1", // Palo Alto
  "CA2", // San Diego
  "UT", // Salt Lake City
  "CO", // Boulder
  "TX", // Houston
  "NE", // Lincoln
  "IL", // Champaign
  "PA", // Pittsburgh
  "GA", // Atlanta
  "MI", // Ann Arbor
  "NY", // Ithaca
  "NJ", // Princeton
  "MD", // College Park
];
const NSFNET_LINKS: readonly (readonly [string, string])[] = [
  ["WA", "CA1"],
  ["WA", "CA2"],
  ["WA", "IL"],
  ["CA1", "CA2"],
  ["CA1", "UT"],
  ["CA2", "TX"],
  ["UT", "CO"],
  ["UT", "MI"],
  ["CO", "TX"],
  ["CO", "NE"],
  ["TX", "GA"],
  ["TX", "MD"],
  ["NE", "IL"],
  ["IL", "PA"],
  ["PA", "GA"],
  ["PA", "NY"],
  ["PA", "NJ"],
  ["MI", "NY"],
  ["MI", "NJ"],
  ["NY", "MD"],
  ["NJ", "MD"],
];

function named(
  name: string,
  nodes: readonly string[],
  links: readonly (readonly [string, string])[],
  capacityMbps: number,
): Topology {
  const index = (n: string) => nodes.indexOf(n);
  return checked({
    name,
    numSwitches: nodes.length,
    switchNames: nodes,
    links: links.map(([a, b]) => ({ a: index(a), b: index(b), capacityMbps })),
  });
}

/**
 * The topology for the `topology`, `links` and `link_capacity_mbps` settings.
 * `links` (custom only) is "1-2,2-3@50,...": 1-based switch numbers, an optional
 * per-link capacity in Mbps after "@".
 */
export function buildTopology(name: string, links: string, capacityMbps: number): Topology {
  if (name !== "custom" && links.trim() !== "") {
    throw new InvalidConfigError("config.links", `only used with topology=custom, got "${name}"`);
  }
  switch (name) {
    case "default": {
      const n = 6;
      return checked({
        name,
        numSwitches: n,
        switchNames: Array.from({ length: n }, (_, i) => `s${i + 1}`),
        links: DEFAULT_EDGES.map(([a, b]) => ({ a: a - 1, b: b - 1, capacityMbps })),
      });
    }
    case "abilene":
      return named(name, ABILENE_NODES, ABILENE_LINKS, capacityMbps);
    case "nsfnet":
      return named(name, NSFNET_NODES, NSFNET_LINKS, capacityMbps);
    case "custom":
      return parseCustomLinks(links, capacityMbps);
    default:
      throw new InvalidConfigError(
        "config.topology",
        `must be one of ${TOPOLOGY_NAMES.join(", ")}, got "${name}"`,
      );
  }
}

function parseCustomLinks(spec: string, capacityMbps: number): Topology {
  const field = "config.links";
  const items = spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0)
    throw new InvalidConfigError(field, 'topology=custom needs links, e.g. "1-2,2-3,3-1"');
  const out: TopologyLink[] = [];
  for (const item of items) {
    const m = /^(\d+)\s*-\s*(\d+)(?:\s*@\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?))?$/i.exec(item);
    if (!m) {
      throw new InvalidConfigError(
        field,
        `"${item}" is not "A-B" or "A-B@MBPS" (1-based switches)`,
      );
    }
    const a = Number(m[1]) - 1;
    const b = Number(m[2]) - 1;
    const cap = m[3] === undefined ? capacityMbps : Number(m[3]);
    if (a < 0 || b < 0) throw new InvalidConfigError(field, `"${item}": switches start at 1`);
    if (!(cap > 0)) throw new InvalidConfigError(field, `"${item}": capacity must be > 0`);
    out.push({ a, b, capacityMbps: cap });
  }
  const n = Math.max(...out.map((l) => Math.max(l.a, l.b))) + 1;
  return checked(
    {
      name: "custom",
      numSwitches: n,
      switchNames: Array.from({ length: n }, (_, i) => `s${i + 1}`),
      links: out,
    },
    field,
  );
}

/** Rejects self-loops, duplicate links, unused switch numbers and disconnected graphs. */
function checked(t: Topology, field = "config.topology"): Topology {
  const seen = new Set<string>();
  const adj: number[][] = Array.from({ length: t.numSwitches }, () => []);
  for (const { a, b } of t.links) {
    if (a === b) throw new InvalidConfigError(field, `self-loop on switch ${a + 1}`);
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (seen.has(key)) throw new InvalidConfigError(field, `duplicate link ${a + 1}-${b + 1}`);
    seen.add(key);
    adj[a]!.push(b);
    adj[b]!.push(a);
  }
  const reached = new Uint8Array(t.numSwitches);
  const stack = [0];
  reached[0] = 1;
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const u of adj[v]!) {
      if (!reached[u]) {
        reached[u] = 1;
        stack.push(u);
      }
    }
  }
  const missing = [...reached.keys()].filter((i) => !reached[i]).map((i) => i + 1);
  if (missing.length > 0) {
    throw new InvalidConfigError(
      field,
      `the switches must form one connected network; not reached from switch 1: ${missing.join(", ")}`,
    );
  }
  return t;
}

/** Host name of host index i ("h1" for 0). */
export const hostName = (i: number): string => `h${i + 1}`;

/** Mininet's default address of host index i: ipBase 10.0.0.0/8 plus i + 1 (10.0.0.1 for h1). */
export function hostIp(i: number): string {
  const k = i + 1;
  return `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
}
