import { slotsNeeded } from "./modulation.js";
import { SpectrumGrid } from "./spectrum.js";
import {
  hopDistances,
  kShortestPaths,
  type OpticalPath,
  type OpticalTopology,
} from "./topology.js";

/** A connection holding spectrum until it departs. */
export interface Connection {
  readonly id: number;
  readonly src: number;
  readonly dst: number;
  readonly gbps: number;
  links: readonly number[];
  start: number;
  slots: number;
  readonly departAt: number;
}

/** What failure hits the network: none, one link, or every link near a disaster centroid. */
export interface FailureSpec {
  readonly type: "none" | "link" | "disaster";
  readonly link: number;
  readonly centroid: number;
  readonly radius: number;
}

/** Outcome of a failure: connections moved to backup paths, dropped, and the time it took. */
export interface RestorationReport {
  readonly restored: number;
  readonly dropped: number;
  readonly latencyMs: number;
}

/**
 * An elastic optical network: k shortest paths per node pair, spectrum per
 * link, active connections ordered by departure, and failed links.
 */
export class OpticalNetwork {
  readonly grid: SpectrumGrid;
  readonly failed: Uint8Array;
  /** Links a failure takes down. */
  readonly failureLinks: readonly number[];
  /** Hops from every node to the failure's centroid (numNodes everywhere without failures). */
  readonly centroidHops: Int32Array;
  private readonly paths: OpticalPath[][];
  /** Active connections sorted by departure time. */
  private active: Connection[] = [];

  constructor(
    readonly topology: OpticalTopology,
    readonly k: number,
    slots: number,
    readonly guardBand: number,
    readonly failure: FailureSpec,
  ) {
    const n = topology.numNodes;
    this.grid = new SpectrumGrid(topology.links.length, slots);
    this.failed = new Uint8Array(topology.links.length);
    this.paths = [];
    for (let s = 0; s < n; s++) {
      for (let d = 0; d < n; d++) this.paths.push(s === d ? [] : kShortestPaths(topology, s, d, k));
    }
    if (failure.type === "none") {
      this.failureLinks = [];
      this.centroidHops = new Int32Array(n).fill(n);
    } else {
      const l = topology.links[failure.link]!;
      const centroid = failure.type === "link" ? l.a : failure.centroid;
      this.centroidHops = hopDistances(topology, centroid);
      if (failure.type === "link") this.failureLinks = [failure.link];
      else {
        const h = this.centroidHops;
        this.failureLinks = topology.links
          .map((x, i) => (Math.min(h[x.a]!, h[x.b]!) <= failure.radius ? i : -1))
          .filter((i) => i >= 0);
      }
    }
  }

  /** The k shortest paths between two nodes (fewer if the graph has fewer). */
  pathsBetween(src: number, dst: number): readonly OpticalPath[] {
    return this.paths[src * this.topology.numNodes + dst]!;
  }

  /** Connections currently holding spectrum. */
  get activeCount(): number {
    return this.active.length;
  }

  /** Empties the network: no connections, no failure. */
  clear(): void {
    this.grid.clear();
    this.failed.fill(0);
    this.active = [];
  }

  /** Whether a path crosses a failed link. */
  pathFailed(p: OpticalPath): boolean {
    return p.links.some((l) => this.failed[l] === 1);
  }

  /** Slots `gbps` needs on a path. */
  slotsFor(p: OpticalPath, gbps: number): number {
    return slotsNeeded(gbps, p.km, this.guardBand);
  }

  /** First-fit start slot on a path for `gbps`, or -1 when blocked or the path is down. */
  firstFit(p: OpticalPath, gbps: number): number {
    if (this.pathFailed(p)) return -1;
    return this.grid.firstFit(p.links, this.slotsFor(p, gbps));
  }

  /** Sets up a connection on a path at a first-fit start slot. */
  establish(c: Omit<Connection, "links" | "start" | "slots">, p: OpticalPath, start: number): void {
    const slots = this.slotsFor(p, c.gbps);
    this.grid.allocate(p.links, start, slots, c.id);
    const conn: Connection = { ...c, links: p.links, start, slots };
    let i = this.active.length;
    while (i > 0 && this.active[i - 1]!.departAt > conn.departAt) i--;
    this.active.splice(i, 0, conn);
  }

  /** Time of the next departure (Infinity when none). */
  nextDeparture(): number {
    return this.active[0]?.departAt ?? Number.POSITIVE_INFINITY;
  }

  /** Releases the connection departing first. */
  departNext(): void {
    const c = this.active.shift();
    if (c) this.grid.release(c.links, c.start, c.slots);
  }

  /** Takes the failure's links down and moves hit connections to backup paths (first fit). */
  fail(): RestorationReport {
    const t0 = performance.now();
    for (const l of this.failureLinks) this.failed[l] = 1;
    const hit = this.active.filter((c) => c.links.some((l) => this.failed[l] === 1));
    hit.sort((a, b) => a.id - b.id);
    let restored = 0;
    const dropped = new Set<Connection>();
    for (const c of hit) {
      this.grid.release(c.links, c.start, c.slots);
      let ok = false;
      for (const p of this.pathsBetween(c.src, c.dst)) {
        const start = this.firstFit(p, c.gbps);
        if (start < 0) continue;
        c.links = p.links;
        c.start = start;
        c.slots = this.slotsFor(p, c.gbps);
        this.grid.allocate(c.links, start, c.slots, c.id);
        ok = true;
        break;
      }
      if (ok) restored++;
      else dropped.add(c);
    }
    if (dropped.size > 0) this.active = this.active.filter((c) => !dropped.has(c));
    return { restored, dropped: dropped.size, latencyMs: performance.now() - t0 };
  }

  /** Brings the failed links back (connections stay on their backup paths). */
  repair(): void {
    this.failed.fill(0);
  }
}
