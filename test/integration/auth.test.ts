import { status as Code } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../client/connect.js";
import { RemoteError } from "../../client/errors.js";
import { startTestServer, type TestServer } from "../helpers/test-server.js";

describe("auth token", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ authToken: "s3cret" });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("refuses calls without the token with UNAUTHENTICATED", async () => {
    const err = await t.client.make("CartPole-v1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe(Code.UNAUTHENTICATED);
    const list = await t.client.listEnvs().catch((e: unknown) => e);
    expect((list as RemoteError).code).toBe(Code.UNAUTHENTICATED);
    const wrong = connect(t.address, { authToken: "guess" });
    await expect(wrong.make("CartPole-v1")).rejects.toMatchObject({ code: Code.UNAUTHENTICATED });
    wrong.close();
  });

  it("serves calls with the token", async () => {
    const c = connect(t.address, { authToken: "s3cret" });
    expect((await c.listEnvs()).length).toBeGreaterThan(0);
    const env = await c.make("CartPole-v1");
    await env.reset({ seed: 0 });
    expect((await env.step(0)).reward).toBe(1);
    await env.close();
    c.close();
  });
});
