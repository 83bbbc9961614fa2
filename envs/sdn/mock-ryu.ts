import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RyuFlowEntry } from "./ryu-rest.js";
import type { Topology } from "./topology.js";

/** Rates the mock's counters grow at, in bytes per second of switch time. */
export interface MockRyuRates {
  /** Per directed link e (2l: a→b, 2l + 1: b→a): tx of the tail port, rx of the head port. */
  readonly link?: ArrayLike<number>;
  /** Per switch: bytes its host sends into the switch (rx of the host port). */
  readonly hostIn?: ArrayLike<number>;
  /** Per switch: bytes the switch sends to its host (tx of the host port). */
  readonly hostOut?: ArrayLike<number>;
}

/** The reserved LOCAL port, as OpenFlow 1.3 numbers it; the mock lists it to check it is skipped. */
const OFPP_LOCAL = 0xfffffffe;

const hex = (v: number, width: number) => v.toString(16).padStart(width, "0");

/**
 * A stand-in Ryu controller for tests and demos: answers the ofctl_rest and
 * rest_topology requests SdnRouting-v0 makes, in their documented JSON shapes,
 * for `topology` wired as Mininet wires it (port 1 of every switch to its host,
 * then one port per link in link order). Every GET /stats/port/<dpid> advances
 * that switch's clock by `pollAdvanceS` and its counters by rate * pollAdvanceS,
 * so rates come out exact whatever the wall clock does. Flow posts are recorded.
 */
export class MockRyuController {
  /** Bodies of POST /stats/flowentry/add, in arrival order. */
  readonly flowAdds: RyuFlowEntry[] = [];
  /** Bodies of POST /stats/flowentry/delete. */
  readonly flowDeletes: RyuFlowEntry[] = [];
  /** "METHOD path" of every request. */
  readonly requests: string[] = [];
  /** When set, every request is answered with this HTTP status. */
  failWith: number | undefined;
  /** Leaves these directed links (e) out of /v1.0/topology/links. */
  readonly hiddenLinks = new Set<number>();
  /** linkPort[e]: the port of directed link e on its tail switch (port 1 is every switch's host port). */
  readonly linkPort: Int32Array;
  private readonly counters: { rx: number; tx: number }[][];
  private readonly clock: Float64Array;
  private rates: Required<MockRyuRates>;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly topology: Topology,
    rates: MockRyuRates,
    private readonly pollAdvanceS: number,
  ) {
    const n = topology.numSwitches;
    const next = new Int32Array(n).fill(2);
    this.linkPort = new Int32Array(2 * topology.links.length);
    topology.links.forEach(({ a, b }, l) => {
      this.linkPort[2 * l] = next[a]!++;
      this.linkPort[2 * l + 1] = next[b]!++;
    });
    this.counters = Array.from({ length: n }, (_, v) =>
      Array.from({ length: next[v]! }, () => ({ rx: 0, tx: 0 })),
    );
    this.clock = new Float64Array(n).fill(100);
    this.rates = this.fill(rates);
  }

  /** Starts the mock on 127.0.0.1 on a free port. */
  static async start(
    topology: Topology,
    rates: MockRyuRates = {},
    pollAdvanceS = 1,
  ): Promise<MockRyuController> {
    let mock: MockRyuController | undefined;
    const server = createServer((req, res) => {
      mock!.handle(req, res).catch((err: Error) => {
        res.statusCode = 500;
        res.end(String(err.message));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    mock = new MockRyuController(server, `http://127.0.0.1:${port}`, topology, rates, pollAdvanceS);
    return mock;
  }

  /** Changes the rates from the next poll on. */
  setRates(rates: MockRyuRates): void {
    this.rates = this.fill(rates);
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private fill(r: MockRyuRates): Required<MockRyuRates> {
    const n = this.topology.numSwitches;
    return {
      link: r.link ?? new Float64Array(2 * this.topology.links.length),
      hostIn: r.hostIn ?? new Float64Array(n),
      hostOut: r.hostOut ?? new Float64Array(n),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = "";
    for await (const chunk of req) body += chunk;
    const path = (req.url ?? "").split("?")[0]!;
    this.requests.push(`${req.method} ${path}`);
    const send = (status: number, value?: unknown) => {
      res.statusCode = status;
      if (value !== undefined) res.setHeader("Content-Type", "application/json");
      res.end(value === undefined ? "" : JSON.stringify(value));
    };
    if (this.failWith !== undefined) return send(this.failWith, { error: "mock failure" });
    const n = this.topology.numSwitches;
    const dpidOf = (s: string | undefined) => {
      const d = Number(s);
      return Number.isInteger(d) && d >= 1 && d <= n ? d : undefined;
    };
    let m: RegExpExecArray | null;
    if (req.method === "GET" && path === "/stats/switches") {
      return send(
        200,
        Array.from({ length: n }, (_, i) => i + 1),
      );
    }
    if (req.method === "GET" && path === "/v1.0/topology/links") {
      const out: unknown[] = [];
      this.topology.links.forEach(({ a, b }, l) => {
        for (const [e, s, d] of [
          [2 * l, a, b],
          [2 * l + 1, b, a],
        ] as const) {
          if (this.hiddenLinks.has(e)) continue;
          const sp = this.linkPort[e]!;
          const dp = this.linkPort[e ^ 1]!;
          out.push({
            src: {
              dpid: hex(s + 1, 16),
              port_no: hex(sp, 8),
              hw_addr: mac(s, sp),
              name: `s${s + 1}-eth${sp}`,
            },
            dst: {
              dpid: hex(d + 1, 16),
              port_no: hex(dp, 8),
              hw_addr: mac(d, dp),
              name: `s${d + 1}-eth${dp}`,
            },
          });
        }
      });
      return send(200, out);
    }
    if (req.method === "GET" && (m = /^\/stats\/port\/(\d+)$/.exec(path))) {
      const dpid = dpidOf(m[1]);
      if (dpid === undefined) return send(404);
      return send(200, { [dpid]: this.advance(dpid - 1) });
    }
    if (req.method === "GET" && (m = /^\/stats\/portdesc\/(\d+)$/.exec(path))) {
      const dpid = dpidOf(m[1]);
      if (dpid === undefined) return send(404);
      const v = dpid - 1;
      const ports = [...this.counters[v]!.keys()].filter((p) => p >= 1);
      return send(200, {
        [dpid]: [
          ...ports.map((p) => portDesc(p, mac(v, p), `s${dpid}-eth${p}`)),
          portDesc(OFPP_LOCAL, mac(v, 0), `s${dpid}`),
        ],
      });
    }
    if (
      req.method === "POST" &&
      (path === "/stats/flowentry/add" || path === "/stats/flowentry/delete")
    ) {
      let entry: RyuFlowEntry;
      try {
        entry = JSON.parse(body) as RyuFlowEntry;
      } catch {
        return send(400);
      }
      if (dpidOf(String(entry.dpid)) === undefined) return send(404);
      (path.endsWith("add") ? this.flowAdds : this.flowDeletes).push(entry);
      return send(200);
    }
    return send(404);
  }

  /** Advances switch v by one poll and returns its port stats rows. */
  private advance(v: number): unknown[] {
    const dt = this.pollAdvanceS;
    this.clock[v] = this.clock[v]! + dt;
    const c = this.counters[v]!;
    c[1]!.rx += this.rates.hostIn[v]! * dt;
    c[1]!.tx += this.rates.hostOut[v]! * dt;
    this.topology.links.forEach(({ a, b }, l) => {
      for (const [e, s, d] of [
        [2 * l, a, b],
        [2 * l + 1, b, a],
      ] as const) {
        const bytes = this.rates.link[e]! * dt;
        if (s === v) c[this.linkPort[e]!]!.tx += bytes;
        if (d === v) c[this.linkPort[e ^ 1]!]!.rx += bytes;
      }
    });
    const sec = Math.floor(this.clock[v]!);
    const nsec = Math.round((this.clock[v]! - sec) * 1e9);
    const row = (portNo: number | string, rx: number, tx: number) => ({
      port_no: portNo,
      rx_packets: Math.floor(rx / 1500),
      tx_packets: Math.floor(tx / 1500),
      rx_bytes: Math.round(rx),
      tx_bytes: Math.round(tx),
      rx_dropped: 0,
      tx_dropped: 0,
      rx_errors: 0,
      tx_errors: 0,
      rx_frame_err: 0,
      rx_over_err: 0,
      rx_crc_err: 0,
      collisions: 0,
      duration_sec: sec,
      duration_nsec: nsec,
    });
    const rows: unknown[] = [];
    c.forEach((p, port) => {
      if (port >= 1) rows.push(row(port, p.rx, p.tx));
    });
    // Ryu's ofctl_v1_3 reports reserved ports by name.
    rows.push(row("LOCAL", 0, 0));
    return rows;
  }
}

function mac(v: number, port: number): string {
  return `02:00:00:00:${hex(v + 1, 2)}:${hex(port & 255, 2)}`;
}

function portDesc(portNo: number, hwAddr: string, name: string) {
  return {
    port_no: portNo,
    hw_addr: hwAddr,
    name,
    config: 0,
    state: 0,
    curr: 2112,
    advertised: 0,
    supported: 0,
    peer: 0,
    curr_speed: 1e7,
    max_speed: 0,
  };
}
