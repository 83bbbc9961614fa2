import type { Info } from "../core/env.js";
import type { Topology } from "./topology.js";

/** Packet size of the M/M/1 queues: 1500-byte (Ethernet MTU) packets. */
export const PACKET_BITS = 12_000;

/** Utilization at which a queue's delay is capped: an M/M/1 queue at or over capacity has no steady state. */
export const RHO_CAP = 0.99;

/** Below this offered load (Mbps) the network counts as idle: no delay, nothing lost. */
export const IDLE_MBPS = 1e-3;

/** What a backend measured over one step. */
export interface LinkMeasurement {
  /** Rate on every directed link in Mbps: 2l for link l's a→b, 2l + 1 for b→a. */
  readonly linkRateMbps: Float64Array;
  /** Traffic the hosts sent into the network, in Mbps. */
  readonly offeredMbps: number;
  /** Traffic the network delivered to hosts, in Mbps. */
  readonly deliveredMbps: number;
}

/** Settings of the observation and reward. */
export interface MetricsOptions {
  /** Mean delay (ms) that normalizes to 0.5. */
  readonly delayRefMs: number;
  /** Weight of the normalized delay in the reward. */
  readonly delayWeight: number;
}

/** Observation, reward and info for one measurement. */
export interface NetworkMetrics {
  readonly observation: Float32Array;
  readonly reward: number;
  readonly info: Info;
}

/**
 * Mean packet delay in ms over the whole network, by Kleinrock's formula
 * T = (1/γ) Σ_e λ_e T_e with an M/M/1 queue per directed link,
 * T_e = (L / C_e) / (1 - min(ρ_e, RHO_CAP)). Only link rates and the offered
 * total γ are needed, so a measured network (Ryu) and the model agree on it.
 */
export function meanDelayMs(topology: Topology, m: LinkMeasurement): number {
  if (!(m.offeredMbps > IDLE_MBPS)) return 0;
  let sum = 0;
  topology.links.forEach(({ capacityMbps }, l) => {
    // L / C in ms: bits / (Mbit/s * 1e6) * 1e3.
    const service = PACKET_BITS / (capacityMbps * 1e3);
    for (const e of [2 * l, 2 * l + 1]) {
      const rate = m.linkRateMbps[e]!;
      if (rate <= 0) continue;
      const rho = Math.min(rate / capacityMbps, RHO_CAP);
      sum += (rate * service) / (1 - rho);
    }
  });
  return sum / m.offeredMbps;
}

/**
 * The observation (Box [0, 1], float32), reward and info of a measurement:
 * - obs[l] = min(1, max(ρ_ab, ρ_ba)): link l's busier direction;
 * - obs[L] = T / (T + delayRefMs): the mean delay T squashed into [0, 1);
 * - obs[L+1] = delivered / offered, clipped to [0, 1] (1 when idle).
 * reward = -max_l max(ρ_ab, ρ_ba) - delayWeight * obs[L] (utilization not clipped,
 * so an overloaded link costs more than a full one).
 */
export function networkMetrics(
  topology: Topology,
  m: LinkMeasurement,
  weights: Float64Array,
  opts: MetricsOptions,
): NetworkMetrics {
  const numLinks = topology.links.length;
  const obs = new Float32Array(numLinks + 2);
  const util = new Float64Array(numLinks);
  let maxUtil = 0;
  let overloaded = 0;
  topology.links.forEach(({ capacityMbps }, l) => {
    const u = Math.max(m.linkRateMbps[2 * l]!, m.linkRateMbps[2 * l + 1]!, 0) / capacityMbps;
    util[l] = u;
    obs[l] = Math.min(1, u);
    if (u > maxUtil) maxUtil = u;
    if (u >= 1) overloaded++;
  });
  const delay = meanDelayMs(topology, m);
  const delayNorm = delay / (delay + opts.delayRefMs);
  const throughput =
    m.offeredMbps > IDLE_MBPS ? Math.min(1, Math.max(0, m.deliveredMbps / m.offeredMbps)) : 1;
  obs[numLinks] = delayNorm;
  obs[numLinks + 1] = throughput;
  return {
    observation: obs,
    reward: -maxUtil - opts.delayWeight * delayNorm,
    info: {
      max_utilization: maxUtil,
      mean_delay_ms: delay,
      throughput,
      offered_mbps: m.offeredMbps,
      delivered_mbps: m.deliveredMbps,
      overloaded_links: overloaded,
      link_utilization: util,
      link_weights: Float64Array.from(weights),
    },
  };
}
