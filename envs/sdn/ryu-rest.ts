import axios, { type AxiosInstance, isAxiosError } from "axios";
import { BackendUnavailableError } from "../core/errors.js";

/** One port's counters from ofctl_rest's GET /stats/port/<dpid>. */
export interface RyuPortStats {
  readonly portNo: number;
  readonly rxBytes: number;
  readonly txBytes: number;
  /** duration_sec + duration_nsec / 1e9 when the switch reports it (OpenFlow 1.3). */
  readonly durationS: number | undefined;
}

/** One port from ofctl_rest's GET /stats/portdesc/<dpid>. */
export interface RyuPortDesc {
  readonly portNo: number;
  readonly name: string;
}

/** One direction of a link from rest_topology's GET /v1.0/topology/links. */
export interface RyuLink {
  readonly srcDpid: number;
  readonly srcPort: number;
  readonly dstDpid: number;
  readonly dstPort: number;
}

/** The body of ofctl_rest's POST /stats/flowentry/add and /delete. */
export interface RyuFlowEntry {
  readonly dpid: number;
  readonly cookie: number;
  readonly cookie_mask?: number;
  readonly table_id: number;
  readonly priority?: number;
  readonly match: Readonly<Record<string, string | number>>;
  readonly actions?: readonly { readonly type: string; readonly port: number }[];
}

/** Largest physical port number (OFPP_MAX); reserved ports such as LOCAL lie above it. */
export const OFPP_MAX = 0xffffff00;

/**
 * A typed client for the parts of Ryu's ofctl_rest and rest_topology that
 * SdnRouting-v0 uses (envs/sdn/README.md lists the contract). Every failure
 * (no answer, timeout, an HTTP error, a body of the wrong shape) becomes a
 * BackendUnavailableError naming the controller's URL and the request.
 */
export class RyuRestClient {
  private readonly http: AxiosInstance;

  constructor(
    readonly url: string,
    timeoutMs: number,
  ) {
    this.http = axios.create({
      baseURL: url.replace(/\/+$/, ""),
      timeout: timeoutMs,
      // A controller is on the lab network: never route it through an HTTP(S)_PROXY from the environment.
      proxy: false,
      // Statuses are judged below so that the error can name the request.
      validateStatus: () => true,
      headers: { Accept: "application/json" },
    });
  }

  /** GET /stats/switches: the datapath ids of the connected switches. */
  async switches(): Promise<number[]> {
    const path = "/stats/switches";
    const body = await this.request("GET", path);
    if (!Array.isArray(body) || !body.every((d) => Number.isSafeInteger(d))) {
      throw this.shapeError("GET", path, "a JSON array of datapath ids", body);
    }
    return body as number[];
  }

  /** GET /stats/port/<dpid>: counters of every physical port (reserved ports such as LOCAL are skipped). */
  async portStats(dpid: number): Promise<RyuPortStats[]> {
    const path = `/stats/port/${dpid}`;
    const rows = this.perSwitch("GET", path, dpid, await this.request("GET", path));
    const out: RyuPortStats[] = [];
    for (const row of rows) {
      const portNo = physicalPort(row.port_no);
      if (portNo === undefined) continue;
      const rx = row.rx_bytes;
      const tx = row.tx_bytes;
      if (typeof rx !== "number" || typeof tx !== "number") {
        throw this.shapeError("GET", path, "rx_bytes and tx_bytes numbers for every port", row);
      }
      const sec = row.duration_sec;
      const nsec = row.duration_nsec;
      const durationS =
        typeof sec === "number" && typeof nsec === "number" ? sec + nsec / 1e9 : undefined;
      out.push({ portNo, rxBytes: rx, txBytes: tx, durationS });
    }
    return out;
  }

  /** GET /stats/portdesc/<dpid>: the switch's physical ports. */
  async portDesc(dpid: number): Promise<RyuPortDesc[]> {
    const path = `/stats/portdesc/${dpid}`;
    const rows = this.perSwitch("GET", path, dpid, await this.request("GET", path));
    const out: RyuPortDesc[] = [];
    for (const row of rows) {
      const portNo = physicalPort(row.port_no);
      if (portNo !== undefined) out.push({ portNo, name: String(row.name ?? "") });
    }
    return out;
  }

  /** GET /v1.0/topology/links: every discovered link direction (dpid and port_no are hex strings). */
  async links(): Promise<RyuLink[]> {
    const path = "/v1.0/topology/links";
    const body = await this.request("GET", path);
    const expected = 'a JSON array of {"src": {"dpid", "port_no"}, "dst": {...}}';
    if (!Array.isArray(body)) throw this.shapeError("GET", path, expected, body);
    return body.map((link: unknown) => {
      const l = link as { src?: Record<string, unknown>; dst?: Record<string, unknown> };
      const srcDpid = hex(l?.src?.dpid);
      const srcPort = hex(l?.src?.port_no);
      const dstDpid = hex(l?.dst?.dpid);
      const dstPort = hex(l?.dst?.port_no);
      if (
        srcDpid === undefined ||
        srcPort === undefined ||
        dstDpid === undefined ||
        dstPort === undefined
      ) {
        throw this.shapeError("GET", path, expected, link);
      }
      return { srcDpid, srcPort, dstDpid, dstPort };
    });
  }

  /** POST /stats/flowentry/add: installs (or, same match and priority, replaces) a flow entry. */
  async addFlow(entry: RyuFlowEntry): Promise<void> {
    await this.request("POST", "/stats/flowentry/add", entry);
  }

  /** POST /stats/flowentry/delete: deletes the entries matching `entry` (non-strict). */
  async deleteFlows(entry: RyuFlowEntry): Promise<void> {
    await this.request("POST", "/stats/flowentry/delete", entry);
  }

  private async request(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    let res: { status: number; data: unknown };
    try {
      res = await this.http.request({ method, url: path, data: body });
    } catch (err) {
      const detail = isAxiosError(err)
        ? `${err.code ? `${err.code}: ` : ""}${err.message}`
        : String(err);
      throw new BackendUnavailableError(
        "ryu",
        `Ryu controller at ${this.url} did not answer ${method} ${path} (${detail}); is ryu-manager running with ryu.app.ofctl_rest and ryu.app.rest_topology?`,
      );
    }
    if (res.status < 200 || res.status >= 300) {
      const text = typeof res.data === "string" ? res.data : JSON.stringify(res.data ?? "");
      throw new BackendUnavailableError(
        "ryu",
        `Ryu controller at ${this.url} answered ${method} ${path} with HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`,
      );
    }
    return res.data;
  }

  /** ofctl_rest's per-switch body: {"<dpid in decimal>": [ ... ]}. */
  private perSwitch(
    method: string,
    path: string,
    dpid: number,
    body: unknown,
  ): Record<string, unknown>[] {
    const rows = (body as Record<string, unknown> | null)?.[String(dpid)];
    if (
      typeof body !== "object" ||
      !Array.isArray(rows) ||
      !rows.every((r) => typeof r === "object" && r !== null)
    ) {
      throw this.shapeError(method, path, `{"${dpid}": [ ...one object per port... ]}`, body);
    }
    return rows as Record<string, unknown>[];
  }

  private shapeError(method: string, path: string, expected: string, got: unknown) {
    return new BackendUnavailableError(
      "ryu",
      `Ryu controller at ${this.url} answered ${method} ${path} with an unexpected body (expected ${expected}): ${JSON.stringify(got)?.slice(0, 200)}`,
    );
  }
}

/** A physical port number, or undefined for a reserved port ("LOCAL", 0xfffffffe, ...). */
function physicalPort(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= OFPP_MAX ? n : undefined;
}

/** rest_topology's hex strings ("0000000000000001", "00000002"). */
function hex(v: unknown): number | undefined {
  if (typeof v !== "string" || !/^[0-9a-f]+$/i.test(v)) return undefined;
  const n = Number.parseInt(v, 16);
  return Number.isSafeInteger(n) ? n : undefined;
}
