import { InvalidArgumentError } from "../core/errors.js";
import { hostIp, hostName } from "./topology.js";
import { parseBandwidth, parsePairs } from "./traffic.js";

/** Output formats: a bash script using Mininet's util/m, or commands for the Mininet CLI's `source`. */
export const TRAFFIC_SCRIPT_FORMATS = ["bash", "mininet"] as const;

/** A traffic script format. */
export type TrafficScriptFormat = (typeof TRAFFIC_SCRIPT_FORMATS)[number];

/** What `gymrpc sdn traffic-script` takes, as the seed's build_schedule(pairs, duration, bw, start_offset). */
export interface TrafficScriptOptions {
  /** "h1:h2,h2:h3": iperf client on the first host, server on the second. */
  readonly pairs: string;
  /** Seconds every client sends (iperf -t). */
  readonly durationS: number;
  /** UDP rate of every client, iperf-style ("10M"). */
  readonly bw: string;
  /** Seconds between starting the servers and the clients. */
  readonly offsetS: number;
  /** iperf port (default 5001, iperf's own). */
  readonly port?: number;
  readonly format?: TrafficScriptFormat;
  /** Where the iperf logs go (default /tmp/gymrpc-traffic). */
  readonly logDir?: string;
}

/** Seconds the servers outlive the last client, so a late client still finds one. */
const SERVER_GRACE_S = 5;

/**
 * The iperf schedule for a running Mininet network: one UDP iperf server per
 * destination host, then after `offsetS` one client per pair sending at `bw`
 * for `durationS` seconds. Hosts are Mininet's defaults (hN at 10.0.0.N).
 * The servers stop on their own (coreutils timeout) once every client is done.
 */
export function trafficScript(opts: TrafficScriptOptions): string {
  const pairs = parsePairs(opts.pairs, 0xfffffe, "pairs");
  parseBandwidth(opts.bw, "bw");
  const bw = opts.bw.trim();
  if (!(opts.durationS > 0) || !Number.isFinite(opts.durationS)) {
    throw new InvalidArgumentError(
      "duration",
      `must be a positive number of seconds, got ${opts.durationS}`,
    );
  }
  if (!(opts.offsetS >= 0) || !Number.isFinite(opts.offsetS)) {
    throw new InvalidArgumentError("offset", `must be >= 0 seconds, got ${opts.offsetS}`);
  }
  const port = opts.port ?? 5001;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError("port", `must be a TCP/UDP port, got ${port}`);
  }
  const format = opts.format ?? "bash";
  const logDir = opts.logDir ?? "/tmp/gymrpc-traffic";
  // Written unquoted into shell lines (and the Mininet CLI's), so only plain path characters.
  if (!/^[\w./-]+$/.test(logDir)) {
    throw new InvalidArgumentError(
      "log-dir",
      `must be a plain path ([A-Za-z0-9_./-]), got "${logDir}"`,
    );
  }
  const servers = [...new Set(pairs.map(([, d]) => d))];
  const serverLife = Math.ceil(opts.offsetS + opts.durationS + SERVER_GRACE_S);
  const server = (d: number) =>
    `${hostName(d)} timeout ${serverLife} iperf -s -u -p ${port} > ${logDir}/server_${hostName(d)}.log 2>&1 &`;
  const client = ([s, d]: readonly [number, number]) =>
    `${hostName(s)} iperf -c ${hostIp(d)} -u -b ${bw} -t ${opts.durationS} -p ${port} > ${logDir}/client_${hostName(s)}_${hostName(d)}.log 2>&1 &`;

  if (format === "mininet") {
    // Mininet CLI lines (mininet> source FILE): "hN cmd" runs cmd in host hN, "sh" in the root namespace.
    return `${[
      `sh mkdir -p ${logDir}`,
      ...servers.map(server),
      `sh sleep ${opts.offsetS}`,
      ...pairs.map(client),
    ].join("\n")}\n`;
  }
  const flows = pairs.map(([s, d]) => `${hostName(s)}->${hostName(d)}`).join(", ");
  return `${[
    "#!/usr/bin/env bash",
    "# Traffic for a running Mininet network, written by `gymrpc sdn traffic-script`.",
    `# Flows ${flows}: UDP iperf at ${bw} for ${opts.durationS} s, started ${opts.offsetS} s after the servers.`,
    "# Each command runs inside a Mininet host through Mininet's util/m helper; set",
    '# MN_EXEC to use another runner, e.g. MN_EXEC="sudo ~/mininet/util/m".',
    "set -u",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
    'MN_EXEC="${MN_EXEC:-m}"',
    `mkdir -p ${logDir}`,
    "",
    `# iperf servers, one per destination; they exit by themselves after ${serverLife} s.`,
    ...servers.map((d) => `$MN_EXEC ${server(d)}`),
    `sleep ${opts.offsetS}`,
    "",
    "# iperf clients.",
    "clients=()",
    ...pairs.flatMap((p) => [`$MN_EXEC ${client(p)}`, "clients+=($!)"]),
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
    'wait "${clients[@]}"',
  ].join("\n")}\n`;
}
