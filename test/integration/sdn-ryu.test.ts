import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteError } from "../../client/errors.js";
import { MockRyuController } from "../../envs/sdn/mock-ryu.js";
import { buildTopology } from "../../envs/sdn/topology.js";
import { SdnRoutingConfig } from "../../proto/gen/ts/gymrpc/v1/envs/sdn.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

const ID = "SdnRouting-v0";
const TRIANGLE = "1-2,2-3,1-3";
const MBPS = 125_000;

describe("SdnRouting-v0 through the gRPC server", () => {
  let t: TestServer;
  let mock: MockRyuController;
  beforeAll(async () => {
    t = await startTestServer();
    mock = await MockRyuController.start(buildTopology("custom", TRIANGLE, 100), {
      link: [30, 0, 0, 60, 0, 0].map((m) => m * MBPS),
      hostIn: [10, 10, 10].map((m) => m * MBPS),
      hostOut: [10, 10, 10].map((m) => m * MBPS),
    });
  });
  afterAll(async () => {
    await t.stop();
    await mock.close();
  });

  it("runs a ryu-backed session against a (mock) Ryu controller", async () => {
    const env = await t.client.make(ID, {
      config: {
        backend: "ryu",
        ryu_url: mock.url,
        topology: "custom",
        links: TRIANGLE,
        step_interval: 0.005,
      },
    });
    const r = await env.reset({ seed: 0 });
    expect(Array.from(r.observation as Float32Array).slice(0, 3)).toEqual(
      [0.3, 0.6, 0].map(Math.fround),
    );
    expect(mock.flowAdds).toHaveLength(18);
    const s = await env.step(Float32Array.of(1, -1, -1));
    expect(s.terminated).toBe(false);
    expect(Number.isFinite(s.reward)).toBe(true);
    expect(mock.flowAdds).toHaveLength(22);
    await env.close();
  });

  it("accepts the typed SdnRoutingConfig message", async () => {
    const env = await t.client.make(ID, {
      typedConfig: {
        messageType: "gymrpc.v1.envs.SdnRoutingConfig",
        bytes: SdnRoutingConfig.encode(
          SdnRoutingConfig.fromPartial({ topology: "nsfnet", traffic: "pairs", trafficBw: "5M" }),
        ).finish(),
      },
    });
    const r = await env.reset({ seed: 1 });
    expect((r.observation as Float32Array).length).toBe(23);
    await env.close();
  });

  it("answers UNAVAILABLE naming the URL when the controller is unreachable, session still usable", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const env = await t.client.make(ID, { config: { backend: "ryu", ryu_url: url } });
    const err = await env.reset({ seed: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).codeName).toBe("UNAVAILABLE");
    expect((err as RemoteError).message).toContain(url);
    // A failed reset is not a reset: step still needs one.
    const again = await env.step(new Float32Array(10)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((again as RemoteError).codeName).toBe("FAILED_PRECONDITION");
    await env.close();
  });
});
