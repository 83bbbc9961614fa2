import { BackendUnavailableError } from "../core/errors.js";
import type { LinkMeasurement } from "./network-model.js";
import type { Router } from "./routing.js";
import { type RyuFlowEntry, type RyuPortStats, RyuRestClient } from "./ryu-rest.js";
import type { SdnBackend } from "./sdn-backend.js";
import { hostIp, type Topology } from "./topology.js";

/** Cookie of every flow entry SdnRouting-v0 installs ("gymr"), so reset can delete exactly those. */
export const FLOW_COOKIE = 0x67796d72;

/** Priority of the installed entries: above a learning switch's (simple_switch_13 uses 1) and the table-miss entry (0). */
export const FLOW_PRIORITY = 100;

/** Most REST requests in flight at once while installing flows. */
const MAX_IN_FLIGHT = 16;

/** Settings of the Ryu backend. */
export interface RyuBackendOptions {
  readonly url: string;
  readonly timeoutMs: number;
  /** Time between the two port-stats polls of a step. */
  readonly intervalMs: number;
}

/** Ports found at reset: egress port of every directed link and the host port of every switch. */
interface Ports {
  /** linkPort[e]: the port of directed link e on its tail switch (a for 2l, b for 2l + 1). */
  readonly linkPort: Int32Array;
  readonly hostPort: Int32Array;
}

type Snapshot = { stats: Map<number, RyuPortStats>; wallS: number }[];

/**
 * A real (Mininet or hardware) network behind a Ryu controller running
 * ryu.app.ofctl_rest and ryu.app.rest_topology. Switch i of the topology is
 * datapath i + 1 (Mininet's s(i+1)); host i is 10.0.0.(i+1) behind the one
 * switch port that is neither an inter-switch link nor reserved.
 *
 * Routes are installed as destination-based entries (IPv4 by ipv4_dst, ARP by
 * arp_tpa) and only changed entries are re-posted on a step. A step then polls
 * every switch's port counters, waits `intervalMs` and polls again: link rates
 * are tx_bytes deltas over the switch's own duration delta (the wall clock when
 * the switch reports none); host ports give the offered (rx) and delivered (tx) totals.
 */
export class SdnRyuBackend implements SdnBackend {
  private readonly client: RyuRestClient;
  private ports: Ports | undefined;
  /** installed[v * n + d]: the output port of switch v's entries toward host d, -1 for none. */
  private readonly installed: Int32Array;

  constructor(
    private readonly topology: Topology,
    private readonly opts: RyuBackendOptions,
  ) {
    this.client = new RyuRestClient(opts.url, opts.timeoutMs);
    const n = topology.numSwitches;
    this.installed = new Int32Array(n * n).fill(-1);
  }

  async reset(_rng: unknown, router: Router): Promise<LinkMeasurement> {
    this.ports = await this.discover();
    // Clear what an earlier episode (or process) left, then install the base routes.
    await runLimited(
      Array.from(
        { length: this.topology.numSwitches },
        (_, v) => () =>
          this.client.deleteFlows({
            dpid: v + 1,
            cookie: FLOW_COOKIE,
            cookie_mask: 0xffffffff,
            table_id: 0,
            match: {},
          }),
      ),
    );
    this.installed.fill(-1);
    await this.install(router, this.ports);
    return this.measure(this.ports);
  }

  async step(_rng: unknown, router: Router): Promise<LinkMeasurement> {
    this.ports ??= await this.discover();
    await this.install(router, this.ports);
    return this.measure(this.ports);
  }

  close(): void {}

  /** Checks that the controller sees the configured topology and finds its ports. */
  private async discover(): Promise<Ports> {
    const { topology, client } = this;
    const n = topology.numSwitches;
    const fail = (what: string) =>
      new BackendUnavailableError(
        "ryu",
        `Ryu controller at ${client.url}: ${what} (topology "${topology.name}" needs switches with dpids 1..${n} and its ${topology.links.length} links)`,
      );
    const dpids = new Set(await client.switches());
    const absent = Array.from({ length: n }, (_, i) => i + 1).filter((d) => !dpids.has(d));
    if (absent.length > 0) throw fail(`switches ${absent.join(", ")} are not connected`);

    const discovered = await client.links();
    const portTo = new Map<string, number>();
    const linkPorts = new Map<number, Set<number>>();
    for (const l of discovered) {
      portTo.set(`${l.srcDpid}>${l.dstDpid}`, l.srcPort);
      if (!linkPorts.has(l.srcDpid)) linkPorts.set(l.srcDpid, new Set());
      linkPorts.get(l.srcDpid)!.add(l.srcPort);
    }
    const linkPort = new Int32Array(2 * topology.links.length);
    const missing: string[] = [];
    topology.links.forEach(({ a, b }, l) => {
      const ab = portTo.get(`${a + 1}>${b + 1}`);
      const ba = portTo.get(`${b + 1}>${a + 1}`);
      if (ab === undefined) missing.push(`s${a + 1}->s${b + 1}`);
      if (ba === undefined) missing.push(`s${b + 1}->s${a + 1}`);
      linkPort[2 * l] = ab ?? -1;
      linkPort[2 * l + 1] = ba ?? -1;
    });
    if (missing.length > 0) {
      throw fail(
        `links ${missing.join(", ")} are not discovered (LLDP needs ryu-manager --observe-links and a few seconds after the switches connect)`,
      );
    }

    const descs = await Promise.all(Array.from({ length: n }, (_, v) => client.portDesc(v + 1)));
    const hostPort = new Int32Array(n);
    descs.forEach((ports, v) => {
      const used = linkPorts.get(v + 1) ?? new Set<number>();
      const free = ports.map((p) => p.portNo).filter((p) => !used.has(p));
      if (free.length === 0) throw fail(`switch s${v + 1} has no host port`);
      hostPort[v] = Math.min(...free);
    });
    return { linkPort, hostPort };
  }

  /** Posts the entries whose output port changed under `router`'s routes. */
  private async install(router: Router, ports: Ports): Promise<void> {
    const n = this.topology.numSwitches;
    const tasks: (() => Promise<void>)[] = [];
    const changed: [number, number][] = [];
    for (let v = 0; v < n; v++) {
      for (let d = 0; d < n; d++) {
        const port =
          v === d
            ? ports.hostPort[d]!
            : ports.linkPort[router.dirLink[v * n + router.next[d * n + v]!]!]!;
        if (this.installed[v * n + d] === port) continue;
        changed.push([v * n + d, port]);
        const matches: Record<string, string | number>[] = [
          { eth_type: 0x0800, ipv4_dst: hostIp(d) },
          { eth_type: 0x0806, arp_tpa: hostIp(d) },
        ];
        for (const match of matches) {
          const entry: RyuFlowEntry = {
            dpid: v + 1,
            cookie: FLOW_COOKIE,
            table_id: 0,
            priority: FLOW_PRIORITY,
            match,
            actions: [{ type: "OUTPUT", port }],
          };
          tasks.push(() => this.client.addFlow(entry));
        }
      }
    }
    await runLimited(tasks);
    // Recorded only once every post succeeded, so a failed step re-posts on the next one.
    for (const [i, port] of changed) this.installed[i] = port;
  }

  private async measure(ports: Ports): Promise<LinkMeasurement> {
    const before = await this.poll();
    await new Promise((resolve) => setTimeout(resolve, this.opts.intervalMs));
    const after = await this.poll();
    const n = this.topology.numSwitches;
    const rate = (v: number, port: number, field: "txBytes" | "rxBytes"): number => {
      const s0 = before[v]!.stats.get(port);
      const s1 = after[v]!.stats.get(port);
      if (!s0 || !s1) {
        throw new BackendUnavailableError(
          "ryu",
          `Ryu controller at ${this.client.url}: GET /stats/port/${v + 1} has no counters for port ${port}`,
        );
      }
      const byDuration =
        s0.durationS !== undefined && s1.durationS !== undefined ? s1.durationS - s0.durationS : 0;
      const dt = byDuration > 0 ? byDuration : after[v]!.wallS - before[v]!.wallS;
      // A counter that went backwards was reset (switch restart): count nothing for this step.
      const bytes = Math.max(0, s1[field] - s0[field]);
      return dt > 0 ? (bytes * 8) / dt / 1e6 : 0;
    };
    const linkRateMbps = new Float64Array(2 * this.topology.links.length);
    this.topology.links.forEach(({ a, b }, l) => {
      linkRateMbps[2 * l] = rate(a, ports.linkPort[2 * l]!, "txBytes");
      linkRateMbps[2 * l + 1] = rate(b, ports.linkPort[2 * l + 1]!, "txBytes");
    });
    let offeredMbps = 0;
    let deliveredMbps = 0;
    for (let v = 0; v < n; v++) {
      offeredMbps += rate(v, ports.hostPort[v]!, "rxBytes");
      deliveredMbps += rate(v, ports.hostPort[v]!, "txBytes");
    }
    return { linkRateMbps, offeredMbps, deliveredMbps };
  }

  private poll(): Promise<Snapshot> {
    return Promise.all(
      Array.from({ length: this.topology.numSwitches }, async (_, v) => {
        const rows = await this.client.portStats(v + 1);
        return {
          stats: new Map(rows.map((r) => [r.portNo, r])),
          wallS: performance.now() / 1000,
        };
      }),
    );
  }
}

/** Runs the tasks with at most MAX_IN_FLIGHT at once; rejects with the first failure and starts no more. */
async function runLimited(tasks: readonly (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < tasks.length) {
      try {
        await tasks[next++]!();
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_IN_FLIGHT, tasks.length) }, worker));
}
