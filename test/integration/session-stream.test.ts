import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError, NotFoundError, RemoteError } from "../../client/errors.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

describe("Session stream", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("answers an unknown env id with NOT_FOUND and close matches", async () => {
    const err = await t.client.make("CartPole-v0").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).suggestions).toContain("CartPole-v1");
    expect((err as Error).message).toMatch(/CartPole-v0.*CartPole-v1/);
    expect((err as NotFoundError).details.resourceInfo?.resourceName).toBe("CartPole-v0");
  });

  it("rejects an unsupported render mode and an invalid config naming the field", async () => {
    const a = await t.client.make("CartPole-v1", { renderMode: "human" }).catch((e: unknown) => e);
    expect(a).toBeInstanceOf(InvalidArgumentError);
    expect((a as RemoteError).field).toBe("render_mode");
    const b = await t.client
      .make("Pendulum-v1", { config: { g: "heavy" } })
      .catch((e: unknown) => e);
    expect(b).toBeInstanceOf(InvalidArgumentError);
    expect((b as RemoteError).field).toBe("config.g");
    const c = await t.client.makeVec("CartPole-v1", 100_000).catch((e: unknown) => e);
    expect(c).toBeInstanceOf(InvalidArgumentError);
    expect((c as RemoteError).field).toBe("num_envs");
  });

  it("rejects a negative seed with INVALID_ARGUMENT and keeps the session", async () => {
    const env = await t.client.make("CartPole-v1");
    const err = await env.reset({ seed: -1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as RemoteError).field).toBe("seed");
    const ok = await env.reset({ seed: 1 });
    expect((ok.observation as Float32Array).length).toBe(4);
    await env.close();
  });

  it("answers a seed beyond 2^53 with INVALID_ARGUMENT in-stream, and the stream stays usable", async () => {
    const env = await t.client.make("CartPole-v1");
    const err = await env.reset({ seed: 2 ** 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as RemoteError).message).toMatch(/2\^53/);
    expect(((await env.reset({ seed: 1 })).observation as Float32Array).length).toBe(4);
    await env.close();
  });

  it("passes reset options through (CartPole's low/high bounds)", async () => {
    const env = await t.client.make("CartPole-v1");
    const { observation } = await env.reset({ seed: 0, options: { low: 0.2, high: 0.21 } });
    for (const v of observation as Float32Array) {
      expect(v).toBeGreaterThanOrEqual(Math.fround(0.2));
      expect(v).toBeLessThanOrEqual(Math.fround(0.21));
    }
    const bad = await env.reset({ options: { low: "x" } }).catch((e: unknown) => e);
    expect((bad as RemoteError).field).toBe("options.low");
    await env.close();
  });

  it("answers pipelined requests in order", async () => {
    const env = await t.client.make("CartPole-v1");
    const seq = await t.client.make("CartPole-v1");
    await Promise.all([env.reset({ seed: 9 }), seq.reset({ seed: 9 })]);
    const actions = Array.from({ length: 8 }, (_, i) => i % 2);
    // Send all eight steps at once on one stream, then the same one by one on another.
    const piped = await Promise.all(actions.map((a) => env.step(a)));
    for (const [i, a] of actions.entries()) {
      const r = await seq.step(a);
      expect(Array.from(piped[i]!.observation as Float32Array)).toEqual(
        Array.from(r.observation as Float32Array),
      );
    }
    await env.close();
    await seq.close();
  });

  it("reports an operation on a closed session as an error, not a hang", async () => {
    const env = await t.client.make("CartPole-v1");
    await env.reset({ seed: 0 });
    await env.close();
    await expect(env.step(0)).rejects.toBeInstanceOf(RemoteError);
  });
});
