import type { ResolvedConfig } from "../core/config.js";
import { InvalidConfigError } from "../core/errors.js";
import type { EnvRegistration } from "../core/registry.js";
import { type SdnBackendName, SdnRoutingEnv, type SdnRoutingOptions } from "./sdn-routing.js";
import { buildTopology, TOPOLOGY_NAMES } from "./topology.js";
import { parseBandwidth, parsePairs, type TrafficMode } from "./traffic.js";

/** Default base URL of the Ryu controller's REST API (ryu-manager's wsapi port). */
export const DEFAULT_RYU_URL = "http://127.0.0.1:8080";

/** The env's options from its validated snake_case config. */
export function sdnOptionsFromConfig(config: ResolvedConfig): SdnRoutingOptions {
  const topology = buildTopology(
    String(config.topology),
    String(config.links),
    Number(config.link_capacity_mbps),
  );
  const mode = String(config.traffic) as TrafficMode;
  const url = String(config.ryu_url);
  if (!/^https?:\/\/[^/\s]+/.test(url)) {
    throw new InvalidConfigError("config.ryu_url", `must be an http(s) URL, got "${url}"`);
  }
  return {
    topology,
    backend: String(config.backend) as SdnBackendName,
    ryuUrl: url,
    ryuTimeoutS: Number(config.ryu_timeout),
    traffic: {
      mode,
      // Checked only when used: the default pairs name h3, which a two-switch topology lacks.
      pairs: mode === "pairs" ? parsePairs(String(config.traffic_pairs), topology.numSwitches) : [],
      bwMbps: mode === "pairs" ? parseBandwidth(String(config.traffic_bw)) : 0,
      durationS: Number(config.traffic_duration),
      offsetS: Number(config.traffic_start_offset),
      noise: Number(config.traffic_noise),
      stepS: Number(config.step_interval),
    },
    intensity: Number(config.traffic_intensity),
    weightRange: Number(config.weight_range),
    delayRefMs: Number(config.delay_ref_ms),
    delayWeight: Number(config.delay_weight),
  };
}

/** SdnRouting-v0: link-weight routing on an SDN, embedded model or a live Ryu controller. */
export const sdnRoutingRegistration: EnvRegistration = {
  id: "SdnRouting-v0",
  description:
    "Set the link weights of a software-defined network (shortest-path routing) to keep links " +
    "uncongested and delay low; embedded simulator or a live Ryu controller (envs/sdn/README.md).",
  entryPoint: ({ config }) => new SdnRoutingEnv(sdnOptionsFromConfig(config)),
  config: {
    messageType: "gymrpc.v1.envs.SdnRoutingConfig",
    fields: [
      {
        name: "backend",
        type: "string",
        default: "embedded",
        choices: ["embedded", "ryu"],
        description:
          "embedded: the TypeScript network model; ryu: a live network via Ryu's REST API.",
      },
      {
        name: "ryu_url",
        type: "string",
        default: DEFAULT_RYU_URL,
        description: "Base URL of the Ryu controller (ofctl_rest and rest_topology); backend ryu.",
      },
      {
        name: "ryu_timeout",
        type: "double",
        default: 5,
        minimum: 0.001,
        description: "Timeout of one REST request to Ryu, in seconds.",
      },
      {
        name: "topology",
        type: "string",
        default: "default",
        choices: [...TOPOLOGY_NAMES],
        description:
          "default: 6 switches, 10 links (12-dim observation); abilene: 11/14; nsfnet: 14/21; custom: from links.",
      },
      {
        name: "links",
        type: "string",
        default: "",
        description:
          'topology=custom: links as "1-2,2-3@50,...", 1-based switches, optional capacity in Mbps after @.',
      },
      {
        name: "link_capacity_mbps",
        type: "double",
        default: 100,
        minimum: 1e-6,
        description: "Capacity of each link direction in Mbps (custom links may override it).",
      },
      {
        name: "traffic",
        type: "string",
        default: "random",
        choices: ["random", "pairs"],
        description:
          "embedded: random (a gravity traffic matrix drawn at every reset) or pairs (traffic_pairs).",
      },
      {
        name: "traffic_pairs",
        type: "string",
        default: "h1:h2,h2:h3",
        description:
          'traffic=pairs: flows "src:dst,..." between hosts h1..hN (one host per switch).',
      },
      {
        name: "traffic_bw",
        type: "string",
        default: "10M",
        description: 'traffic=pairs: rate of every flow, iperf-style ("10M", "500K", "1G").',
      },
      {
        name: "traffic_duration",
        type: "double",
        default: 0,
        minimum: 0,
        description:
          "traffic=pairs: seconds the flows run after the offset (0: the whole episode).",
      },
      {
        name: "traffic_start_offset",
        type: "double",
        default: 0,
        minimum: 0,
        description: "traffic=pairs: seconds after reset before the flows start.",
      },
      {
        name: "traffic_intensity",
        type: "double",
        default: 0.7,
        minimum: 0,
        description: "traffic=random: mean utilization of the busiest link under the base weights.",
      },
      {
        name: "traffic_noise",
        type: "double",
        default: 0.1,
        minimum: 0,
        description:
          "Std. dev. of each flow's log-rate fluctuation (AR(1), 0.9 per step); 0: constant.",
      },
      {
        name: "step_interval",
        type: "double",
        default: 1,
        minimum: 0.001,
        description:
          "Seconds per step: simulated (embedded) or the port-stats polling interval (ryu).",
      },
      {
        name: "weight_range",
        type: "double",
        default: 10,
        minimum: 1,
        description: "Action a sets w = base * weight_range^a: ±1 multiplies or divides by this.",
      },
      {
        name: "delay_ref_ms",
        type: "double",
        default: 1,
        minimum: 1e-9,
        description:
          "Mean delay (ms) that the observation's delay entry maps to 0.5: T / (T + ref).",
      },
      {
        name: "delay_weight",
        type: "double",
        default: 1,
        minimum: 0,
        description: "Reward = -max link utilization - delay_weight * normalized mean delay.",
      },
    ],
  },
  metadata: { renderModes: [], renderFps: 0 },
  maxEpisodeSteps: 50,
};
