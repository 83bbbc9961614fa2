import type { ConfigField, ResolvedConfig } from "../core/config.js";
import { InvalidConfigError } from "../core/errors.js";
import type { EnvRegistration } from "../core/registry.js";
import { parseBandwidths } from "./modulation.js";
import type { FailureSpec } from "./network.js";
import { OpticalRoutingEnv, type OpticalRoutingOptions } from "./optical-routing.js";
import { OPTICAL_TOPOLOGIES } from "./topology.js";

/** The env's options from its validated snake_case config. */
export function opticalOptionsFromConfig(config: ResolvedConfig): OpticalRoutingOptions {
  const topology = OPTICAL_TOPOLOGIES[String(config.topology)]!;
  let bandwidths: number[];
  try {
    bandwidths = parseBandwidths(String(config.bandwidths_gbps));
  } catch (e) {
    throw new InvalidConfigError("config.bandwidths_gbps", (e as Error).message);
  }
  const failureLink = Number(config.failure_link);
  if (failureLink >= topology.links.length) {
    throw new InvalidConfigError(
      "config.failure_link",
      `must be < ${topology.links.length} (links of ${topology.name}), got ${failureLink}`,
    );
  }
  const centroid = Number(config.disaster_node);
  if (centroid >= topology.numNodes) {
    throw new InvalidConfigError(
      "config.disaster_node",
      `must be < ${topology.numNodes} (nodes of ${topology.name}), got ${centroid}`,
    );
  }
  const tFail = Number(config.t_fail);
  const tRepair = Number(config.t_repair);
  if (tRepair < tFail) {
    throw new InvalidConfigError("config.t_repair", `must be >= t_fail (${tFail}), got ${tRepair}`);
  }
  const failure: FailureSpec = {
    type: String(config.failure_type) as FailureSpec["type"],
    link: failureLink,
    centroid,
    radius: Number(config.disaster_radius),
  };
  return {
    topology,
    k: Number(config.k_paths),
    slots: Number(config.slots_per_link),
    loadErlang: Number(config.load_erlang),
    meanHolding: Number(config.mean_holding_time),
    bandwidths,
    guardBand: Number(config.guard_band_slots),
    requestsPerEpisode: Number(config.requests_per_episode),
    warmupRequests: Number(config.warmup_requests),
    failure,
    tFail,
    tRepair,
    observation: String(config.observation) as OpticalRoutingOptions["observation"],
    measureTime: Boolean(config.measure_time),
  };
}

const fields: ConfigField[] = [
  {
    name: "measure_time",
    type: "bool",
    default: false,
    description:
      "Report measured decision_time_ms and restoration_latency_ms (wall clock); false: 0, so infos are deterministic.",
  },
  {
    name: "observation",
    type: "string",
    default: "dict",
    choices: ["dict", "flat"],
    description:
      "dict: the seed's state as a Dict (src, dst, slots_needed, est_remaining_time, is_disaster, " +
      "paths: k per-path Dicts, action_mask); flat: the same values in one float32 Box, mask first.",
  },
  {
    name: "topology",
    type: "string",
    default: "nsfnet",
    choices: Object.keys(OPTICAL_TOPOLOGIES),
    description: "nsfnet: 14 nodes, 21 links; cost239: 11 nodes, 26 links.",
  },
  {
    name: "slots_per_link",
    type: "int",
    default: 320,
    minimum: 1,
    maximum: 4096,
    description: "Spectrum slots (12.5 GHz) per link.",
  },
  {
    name: "k_paths",
    type: "int",
    default: 4,
    minimum: 1,
    maximum: 16,
    description: "Candidate shortest paths per request: the action space is Discrete(k_paths).",
  },
  {
    name: "load_erlang",
    type: "double",
    default: 400,
    minimum: 1e-6,
    description: "Offered load in Erlang (Poisson arrivals x mean holding time).",
  },
  {
    name: "mean_holding_time",
    type: "double",
    default: 1,
    minimum: 1e-6,
    description: "Mean of the exponential holding time; t_fail and t_repair use the same unit.",
  },
  {
    name: "bandwidths_gbps",
    type: "string",
    default: "25,50,100,200",
    description: "Request bandwidths in Gb/s, comma-separated, drawn uniformly.",
  },
  {
    name: "guard_band_slots",
    type: "int",
    default: 0,
    minimum: 0,
    maximum: 16,
    description: "Guard slots added to every connection.",
  },
  {
    name: "requests_per_episode",
    type: "int",
    default: 1000,
    minimum: 1,
    description: "Routing decisions per episode; the env truncates after the last.",
  },
  {
    name: "warmup_requests",
    type: "int",
    default: 1000,
    minimum: 0,
    description:
      "Requests routed by KSP-FF at reset, before the first decision, to load the network.",
  },
  {
    name: "failure_type",
    type: "string",
    default: "link",
    choices: ["none", "link", "disaster"],
    description: "none, link (failure_link) or disaster (links near disaster_node).",
  },
  {
    name: "failure_link",
    type: "int",
    default: 0,
    minimum: 0,
    description: "failure_type=link: index of the failing link.",
  },
  {
    name: "disaster_node",
    type: "int",
    default: 5,
    minimum: 0,
    description: "failure_type=disaster: the disaster's centroid node.",
  },
  {
    name: "disaster_radius",
    type: "int",
    default: 0,
    minimum: 0,
    description:
      "failure_type=disaster: links with an end within this many hops of the centroid fail.",
  },
  {
    name: "t_fail",
    type: "double",
    default: 0.8,
    minimum: 0,
    description: "Failure time after the first decision (holding-time units).",
  },
  {
    name: "t_repair",
    type: "double",
    default: 1.6,
    minimum: 0,
    description: "Repair time after the first decision (holding-time units).",
  },
];

/** OpticalRouting-v0: routing and spectrum assignment in an elastic optical network (FUSION-style). */
export const opticalRoutingRegistration: EnvRegistration = {
  id: "OpticalRouting-v0",
  description:
    "Route each connection request of an elastic optical network on one of its k shortest paths " +
    "(first-fit spectrum), under link or disaster failures (envs/optical/README.md).",
  entryPoint: ({ config }) => new OpticalRoutingEnv(opticalOptionsFromConfig(config)),
  config: { messageType: "gymrpc.v1.envs.OpticalRoutingConfig", fields },
  metadata: { renderModes: [], renderFps: 0 },
};
