import { ConnectionQueue } from "./connection-queue.js";
import { slotsNeeded } from "./modulation.js";
import { type PathTable, pathTable } from "./path-table.js";
import { SpectrumGrid } from "./spectrum.js";
import { hopDistances, type OpticalPath, type OpticalTopology } from "./topology.js";

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
 * An elastic optical network: k shortest paths per node pair (a shared
 * PathTable), spectrum per link, active connections ordered by departure,
 * and failed links. Hot-path methods take global path indices and bandwidth
 * indices and allocate nothing.
 */
export class OpticalNetwork {
  readonly grid: SpectrumGrid;
  readonly failed: Uint8Array;
  /** Links a failure takes down. */
  readonly failureLinks: readonly number[];
  /** Hops from every node to the failure's centroid (numNodes everywhere without failures). */
  readonly centroidHops: Int32Array;
  readonly table: PathTable;
  /** Fewest hops from a node of global path g to the failure's centroid. */
  readonly pathCentroidHops: Int32Array;
  /** Slots of global path g for bandwidth index b: pathSlots[g * bandwidths.length + b]. */
  private readonly pathSlots: Int32Array;
  /** 1 when global path g crosses a link the failure takes down. */
  private readonly pathHit: Uint8Array;
  private down = false;
  private readonly queue = new ConnectionQueue();
  private dropMark = new Uint8Array(0);

  constructor(
    readonly topology: OpticalTopology,
    readonly k: number,
    slots: number,
    readonly guardBand: number,
    readonly failure: FailureSpec,
    /** Request bandwidths in Gb/s; requests name theirs by index. */
    readonly bandwidths: readonly number[],
  ) {
    const n = topology.numNodes;
    this.grid = new SpectrumGrid(topology.links.length, slots);
    this.failed = new Uint8Array(topology.links.length);
    this.table = pathTable(topology, k);
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
    const total = n * n * k;
    const nb = bandwidths.length;
    this.pathSlots = new Int32Array(total * nb);
    this.pathHit = new Uint8Array(total);
    this.pathCentroidHops = new Int32Array(total).fill(-1);
    for (let pair = 0; pair < n * n; pair++) {
      this.table.pairs[pair]!.forEach((p, j) => {
        const g = pair * k + j;
        for (let b = 0; b < nb; b++) {
          this.pathSlots[g * nb + b] = slotsNeeded(bandwidths[b]!, p.km, guardBand);
        }
        this.pathHit[g] = p.links.some((x) => this.failureLinks.includes(x)) ? 1 : 0;
        this.pathCentroidHops[g] = Math.min(...p.nodes.map((v) => this.centroidHops[v]!));
      });
    }
  }

  /** The k shortest paths between two nodes (fewer if the graph has fewer). */
  pathsBetween(src: number, dst: number): readonly OpticalPath[] {
    return this.table.pairs[src * this.topology.numNodes + dst]!;
  }

  /** Connections currently holding spectrum. */
  get activeCount(): number {
    return this.queue.size;
  }

  /** Empties the network: no connections, no failure. */
  clear(): void {
    this.grid.clear();
    this.failed.fill(0);
    this.down = false;
    this.queue.clear();
  }

  /** Whether a path crosses a failed link. */
  pathFailed(p: OpticalPath): boolean {
    return p.links.some((l) => this.failed[l] === 1);
  }

  /** Whether global path g crosses a failed link. */
  pathDown(g: number): boolean {
    return this.down && this.pathHit[g] === 1;
  }

  /** Slots `gbps` needs on a path. */
  slotsFor(p: OpticalPath, gbps: number): number {
    return slotsNeeded(gbps, p.km, this.guardBand);
  }

  /** Slots bandwidth index `b` needs on global path g. */
  slotsOn(g: number, b: number): number {
    return this.pathSlots[g * this.bandwidths.length + b]!;
  }

  /** First-fit start slot on a path for `gbps`, or -1 when blocked or the path is down. */
  firstFit(p: OpticalPath, gbps: number): number {
    if (this.pathFailed(p)) return -1;
    return this.grid.firstFit(p.links, this.slotsFor(p, gbps));
  }

  /** First-fit start slot on global path g for bandwidth index b, or -1 when blocked or down. */
  firstFitOn(g: number, b: number): number {
    if (this.pathDown(g)) return -1;
    const t = this.table;
    return this.grid.firstFitRange(t.links, t.offset[g]!, t.offset[g + 1]!, this.slotsOn(g, b));
  }

  /**
   * First fit on global path g for bandwidth index b (-1 when blocked or down),
   * with the path's common free slots and largest block left in the grid's lastTotal / lastLargest.
   */
  surveyOn(g: number, b: number): number {
    const t = this.table;
    const start = this.grid.survey(t.links, t.offset[g]!, t.offset[g + 1]!, this.slotsOn(g, b));
    return this.pathDown(g) ? -1 : start;
  }

  /** Fewest free slots on a link of global path g. */
  minResidualOn(g: number): number {
    const t = this.table;
    return this.grid.minFree(t.links, t.offset[g]!, t.offset[g + 1]!);
  }

  /** Sets up connection `id` of bandwidth index b on global path g at first-fit slot `start`. */
  establish(
    id: number,
    src: number,
    dst: number,
    b: number,
    g: number,
    start: number,
    departAt: number,
  ): void {
    const t = this.table;
    const slots = this.slotsOn(g, b);
    this.grid.allocateRange(t.links, t.offset[g]!, t.offset[g + 1]!, start, slots);
    this.queue.add(id, departAt, src, dst, b, g, start, slots);
  }

  /** Time of the next departure (Infinity when none). */
  nextDeparture(): number {
    return this.queue.nextDeparture();
  }

  /** Releases the connection departing first. */
  departNext(): void {
    if (this.queue.size === 0) return;
    const q = this.queue;
    const s = q.pop();
    const t = this.table;
    const g = q.path[s]!;
    this.grid.releaseRange(t.links, t.offset[g]!, t.offset[g + 1]!, q.start[s]!, q.slots[s]!);
  }

  /** Takes the failure's links down and moves hit connections to backup paths (first fit). */
  fail(): RestorationReport {
    const t0 = performance.now();
    for (const l of this.failureLinks) this.failed[l] = 1;
    this.down = this.failureLinks.length > 0;
    const q = this.queue;
    const t = this.table;
    // Hit connections are restored in set-up order (by id).
    const hit = Array.from(q.slotsInQueue()).filter((s) => this.pathHit[q.path[s]!] === 1);
    hit.sort((a, b) => q.id[a]! - q.id[b]!);
    if (this.dropMark.length < q.id.length) this.dropMark = new Uint8Array(q.id.length);
    this.dropMark.fill(0);
    let restored = 0;
    let dropped = 0;
    for (const s of hit) {
      const old = q.path[s]!;
      this.grid.releaseRange(t.links, t.offset[old]!, t.offset[old + 1]!, q.start[s]!, q.slots[s]!);
      const pair = q.src[s]! * this.topology.numNodes + q.dst[s]!;
      let ok = false;
      for (let j = 0; j < t.count[pair]!; j++) {
        const g = pair * this.k + j;
        const start = this.firstFitOn(g, q.bw[s]!);
        if (start < 0) continue;
        const slots = this.slotsOn(g, q.bw[s]!);
        this.grid.allocateRange(t.links, t.offset[g]!, t.offset[g + 1]!, start, slots);
        q.path[s] = g;
        q.start[s] = start;
        q.slots[s] = slots;
        ok = true;
        break;
      }
      if (ok) restored++;
      else {
        this.dropMark[s] = 1;
        dropped++;
      }
    }
    if (dropped > 0) q.removeWhere(this.dropMark);
    return { restored, dropped, latencyMs: performance.now() - t0 };
  }

  /** Brings the failed links back (connections stay on their backup paths). */
  repair(): void {
    this.failed.fill(0);
    this.down = false;
  }
}
