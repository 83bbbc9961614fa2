import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

describe("CartPole over the Session stream", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("runs an episode to termination", async () => {
    const env = await t.client.make("CartPole-v1");
    const { observation } = await env.reset({ seed: 1 });
    expect((observation as Float32Array).length).toBe(4);
    let steps = 0;
    let done = false;
    while (!done) {
      const r = await env.step(steps % 2);
      steps++;
      done = r.terminated || r.truncated;
    }
    expect(steps).toBeGreaterThan(5);
    await env.close();
  });
});
