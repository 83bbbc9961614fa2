import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { resolveConfig } from "../../envs/core/config.js";
import { BackendUnavailableError } from "../../envs/core/errors.js";
import { MockRyuController } from "../../envs/sdn/mock-ryu.js";
import { FLOW_COOKIE, FLOW_PRIORITY } from "../../envs/sdn/ryu-backend.js";
import { SdnRoutingEnv } from "../../envs/sdn/sdn-routing.js";
import {
  sdnOptionsFromConfig,
  sdnRoutingRegistration,
} from "../../envs/sdn/sdn-routing-registration.js";
import { buildTopology } from "../../envs/sdn/topology.js";

const TRIANGLE = "1-2,2-3,1-3";
const topology = buildTopology("custom", TRIANGLE, 100);

function ryuEnv(url: string, extra: Record<string, unknown> = {}): SdnRoutingEnv {
  const config = resolveConfig(sdnRoutingRegistration.config, {
    backend: "ryu",
    ryu_url: url,
    topology: "custom",
    links: TRIANGLE,
    step_interval: 0.005,
    ryu_timeout: 2,
    ...extra,
  });
  return new SdnRoutingEnv(sdnOptionsFromConfig(config));
}

/** A URL on which nothing listens: a port that was just bound and released. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

async function rejection(p: unknown): Promise<BackendUnavailableError> {
  const err = await Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackendUnavailableError);
  return err as BackendUnavailableError;
}

// Bytes per second for 1 Mbps.
const MBPS = 125_000;

let mock: MockRyuController | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe("SdnRouting-v0 ryu backend against a mock ofctl_rest/rest_topology", () => {
  it("reads utilization from tx_bytes deltas and host ports, and computes delay from them", async () => {
    mock = await MockRyuController.start(topology, {
      // 1->2 50, 2->1 10, 2->3 0, 3->2 90, 1->3 20, 3->1 0 Mbps.
      link: [50, 10, 0, 90, 20, 0].map((m) => m * MBPS),
      hostIn: [10, 20, 10].map((m) => m * MBPS),
      hostOut: [12, 12, 12].map((m) => m * MBPS),
    });
    const env = ryuEnv(mock.url);
    const r = await env.reset({ seed: 0 });
    const sum = (50 * 0.12) / 0.5 + (10 * 0.12) / 0.9 + (90 * 0.12) / 0.1 + (20 * 0.12) / 0.8;
    const delay = sum / 40;
    expect(r.info.mean_delay_ms).toBeCloseTo(delay, 9);
    expect(r.info.offered_mbps).toBeCloseTo(40, 9);
    expect(r.info.delivered_mbps).toBeCloseTo(36, 9);
    expect(Array.from(r.observation as Float32Array)).toEqual(
      [0.5, 0.9, 0.2, delay / (delay + 1), 0.9].map((v) => expect.closeTo(v, 6)),
    );
    // Two polls per measurement; LOCAL is reported and skipped.
    expect(mock.requests.filter((q) => q.startsWith("GET /stats/port/1"))).toHaveLength(2);

    mock.setRates({ link: [0, 0, 100, 0, 0, 0].map((m) => m * MBPS) });
    const s = await env.step(new Float32Array(3));
    expect(Array.from(s.observation as Float32Array).slice(0, 3)).toEqual([0, 1, 0]);
    expect(s.info.mean_delay_ms).toBe(0);
    expect(s.observation[4]).toBe(1);
    expect(s.reward).toBeCloseTo(-1, 12);
  });

  it("installs destination-based shortest-path flows at reset and re-posts only changed ones", async () => {
    mock = await MockRyuController.start(topology);
    const env = ryuEnv(mock.url);
    await env.reset({ seed: 0 });
    expect(mock.flowDeletes).toEqual(
      [1, 2, 3].map((dpid) => ({
        dpid,
        cookie: FLOW_COOKIE,
        cookie_mask: 0xffffffff,
        table_id: 0,
        match: {},
      })),
    );
    // 3 switches x 3 destination hosts x (IPv4, ARP).
    expect(mock.flowAdds).toHaveLength(18);
    const portOf = (dpid: number, ip: string) =>
      mock!.flowAdds
        .filter((f) => f.dpid === dpid && (f.match.ipv4_dst === ip || f.match.arp_tpa === ip))
        .map((f) => f.actions?.[0]?.port);
    // Links in order 1-2 (l0), 2-3 (l1), 1-3 (l2); port 1 is each switch's host port.
    const s1to2 = mock.linkPort[0]!;
    const s1to3 = mock.linkPort[4]!;
    const s2to1 = mock.linkPort[1]!;
    const s2to3 = mock.linkPort[2]!;
    expect(portOf(1, "10.0.0.2")).toEqual([s1to2, s1to2]);
    expect(portOf(1, "10.0.0.1")).toEqual([1, 1]);
    expect(portOf(2, "10.0.0.1")).toEqual([s2to1, s2to1]);
    const first = mock.flowAdds[0]!;
    expect(first).toEqual({
      dpid: 1,
      cookie: FLOW_COOKIE,
      table_id: 0,
      priority: FLOW_PRIORITY,
      match: { eth_type: 2048, ipv4_dst: "10.0.0.1" },
      actions: [{ type: "OUTPUT", port: 1 }],
    });
    expect(
      mock.flowAdds.some((f) => f.match.eth_type === 2054 && f.match.arp_tpa === "10.0.0.3"),
    ).toBe(true);

    // Same weights: nothing to post.
    mock.flowAdds.length = 0;
    await env.step(new Float32Array(3));
    expect(mock.flowAdds).toHaveLength(0);

    // Link 1-2 expensive, the others cheap: s1 -> h2 and s2 -> h1 go around via s3.
    await env.step(Float32Array.of(1, -1, -1));
    expect(mock.flowAdds).toHaveLength(4);
    expect(portOf(1, "10.0.0.2")).toEqual([s1to3, s1to3]);
    expect(portOf(2, "10.0.0.1")).toEqual([s2to3, s2to3]);
  });

  it("fails loudly, naming the URL, when no controller answers", async () => {
    const url = await deadUrl();
    const env = ryuEnv(url);
    const err = await rejection(env.reset({ seed: 0 }));
    expect(err.backend).toBe("ryu");
    expect(err.message).toContain(url);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it("fails loudly, naming the URL, when the controller answers 500, also mid-episode", async () => {
    mock = await MockRyuController.start(topology);
    mock.failWith = 500;
    const env = ryuEnv(mock.url);
    const err = await rejection(env.reset({ seed: 0 }));
    expect(err.message).toContain(mock.url);
    expect(err.message).toContain("GET /stats/switches with HTTP 500");

    mock.failWith = undefined;
    await env.reset({ seed: 0 });
    mock.failWith = 500;
    const mid = await rejection(env.step(new Float32Array(3)));
    expect(mid.message).toContain(mock.url);
    expect(mid.message).toMatch(/HTTP 500/);
  });

  it("refuses a network that lacks a configured link", async () => {
    mock = await MockRyuController.start(topology);
    mock.hiddenLinks.add(3); // 3 -> 2
    const err = await rejection(ryuEnv(mock.url).reset({ seed: 0 }));
    expect(err.message).toContain(mock.url);
    expect(err.message).toContain("s3->s2");
  });

  it("refuses a controller missing switches and bodies of the wrong shape", async () => {
    mock = await MockRyuController.start(buildTopology("custom", "1-2", 100));
    const err = await rejection(ryuEnv(mock.url).reset({ seed: 0 }));
    expect(err.message).toMatch(/switches 3 are not connected/);

    const bad = createServer((_req, res) => {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ switches: [1, 2, 3] }));
    });
    await new Promise<void>((resolve) => bad.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(bad.address() as AddressInfo).port}`;
    try {
      const e = await rejection(ryuEnv(url).reset({ seed: 0 }));
      expect(e.message).toContain(url);
      expect(e.message).toMatch(/unexpected body/);
    } finally {
      bad.closeAllConnections();
      await new Promise<void>((resolve) => bad.close(() => resolve()));
    }
  });
});
