import type { Rng } from "../core/rng.js";
import type { LinkMeasurement } from "./network-model.js";
import type { Router } from "./routing.js";
import type { SdnBackend } from "./sdn-backend.js";
import type { Topology } from "./topology.js";
import { TrafficModel, type TrafficOptions } from "./traffic.js";

/**
 * The pure-TypeScript network: flows from the traffic model routed on the
 * current shortest paths as a fluid (each flow adds its rate to every directed
 * link on its path). Link rates are offered loads, so a link can exceed its
 * capacity; a flow then delivers the fraction min over its path of
 * min(1, C_e / λ_e) (proportional drop at its worst bottleneck).
 *
 * random traffic: at reset, the means follow a gravity model: m_sd = o_s · i_d
 * with o, i ~ Exp(1) per host, scaled so that the busiest link under the base
 * weights (action 0) runs at `intensity` of its capacity.
 */
export class SdnEmbeddedBackend implements SdnBackend {
  readonly traffic: TrafficModel;
  private readonly linkRate: Float64Array;
  private readonly dirCapacity: Float64Array;

  constructor(
    private readonly topology: Topology,
    trafficOptions: TrafficOptions,
    private readonly intensity: number,
  ) {
    this.traffic = new TrafficModel(trafficOptions, topology.numSwitches);
    this.linkRate = new Float64Array(2 * topology.links.length);
    this.dirCapacity = new Float64Array(2 * topology.links.length);
    topology.links.forEach(({ capacityMbps }, l) => {
      this.dirCapacity[2 * l] = capacityMbps;
      this.dirCapacity[2 * l + 1] = capacityMbps;
    });
  }

  /** Draws the episode's traffic; `router` must hold the base weights' routes. */
  reset(rng: Rng, router: Router): LinkMeasurement {
    if (this.traffic.opts.mode === "random") this.sampleGravity(rng, router);
    this.traffic.reset(rng);
    return this.measure(router);
  }

  step(rng: Rng, router: Router): LinkMeasurement {
    this.traffic.advance(rng);
    return this.measure(router);
  }

  close(): void {}

  private sampleGravity(rng: Rng, router: Router): void {
    const n = this.topology.numSwitches;
    const out = Float64Array.from({ length: n }, () => -Math.log(1 - rng.random()));
    const inn = Float64Array.from({ length: n }, () => -Math.log(1 - rng.random()));
    const { src, dst, mean } = this.traffic;
    for (let f = 0; f < mean.length; f++) mean[f] = out[src[f]!]! * inn[dst[f]!]!;
    // Route the means once to find the scale that puts the busiest link at `intensity`.
    const load = this.route(mean, router);
    let peak = 0;
    for (let e = 0; e < load.length; e++) peak = Math.max(peak, load[e]! / this.dirCapacity[e]!);
    const scale = peak > 0 ? this.intensity / peak : 0;
    for (let f = 0; f < mean.length; f++) mean[f] = mean[f]! * scale;
  }

  /** Adds every flow's rate to the directed links on its path; returns the (reused) link rates. */
  private route(rates: Float64Array, router: Router): Float64Array {
    const { src, dst } = this.traffic;
    const { next, dirLink, numSwitches: n } = router;
    const load = this.linkRate;
    load.fill(0);
    for (let f = 0; f < rates.length; f++) {
      const r = rates[f]!;
      if (r <= 0) continue;
      const d = dst[f]!;
      const row = d * n;
      for (let v = src[f]!; v !== d; ) {
        const u = next[row + v]!;
        load[dirLink[v * n + u]!]! += r;
        v = u;
      }
    }
    return load;
  }

  /** Link rates and delivered traffic for the current flow rates. */
  measure(router: Router): LinkMeasurement {
    const { src, dst, rate } = this.traffic;
    const load = this.route(rate, router);
    const { next, dirLink, numSwitches: n } = router;
    let offered = 0;
    let delivered = 0;
    for (let f = 0; f < rate.length; f++) {
      const r = rate[f]!;
      if (r <= 0) continue;
      offered += r;
      const d = dst[f]!;
      let frac = 1;
      for (let v = src[f]!; v !== d; ) {
        const u = next[d * n + v]!;
        const e = dirLink[v * n + u]!;
        const cap = this.dirCapacity[e]!;
        const lambda = load[e]!;
        if (lambda > cap) frac = Math.min(frac, cap / lambda);
        v = u;
      }
      delivered += r * frac;
    }
    return { linkRateMbps: load, offeredMbps: offered, deliveredMbps: delivered };
  }
}
