import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../envs/core/errors.js";
import { trafficScript } from "../../envs/sdn/traffic-script.js";
import { sdnCommand } from "../../server/sdn-command.js";

const SEED_ARGS = { pairs: "h1:h2,h2:h3", durationS: 10, bw: "10M", offsetS: 0.5 };

describe("gymrpc sdn traffic-script", () => {
  it("writes the seed's iperf schedule: servers, the start offset, then one client per pair", () => {
    const lines = trafficScript(SEED_ARGS).split("\n");
    expect(lines[0]).toBe("#!/usr/bin/env bash");
    const commands = lines.filter((l) => l !== "" && !l.startsWith("#"));
    expect(commands).toEqual([
      "set -u",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
      'MN_EXEC="${MN_EXEC:-m}"',
      "mkdir -p /tmp/gymrpc-traffic",
      "$MN_EXEC h2 timeout 16 iperf -s -u -p 5001 > /tmp/gymrpc-traffic/server_h2.log 2>&1 &",
      "$MN_EXEC h3 timeout 16 iperf -s -u -p 5001 > /tmp/gymrpc-traffic/server_h3.log 2>&1 &",
      "sleep 0.5",
      "clients=()",
      "$MN_EXEC h1 iperf -c 10.0.0.2 -u -b 10M -t 10 -p 5001 > /tmp/gymrpc-traffic/client_h1_h2.log 2>&1 &",
      "clients+=($!)",
      "$MN_EXEC h2 iperf -c 10.0.0.3 -u -b 10M -t 10 -p 5001 > /tmp/gymrpc-traffic/client_h2_h3.log 2>&1 &",
      "clients+=($!)",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
      'wait "${clients[@]}"',
    ]);
    expect(lines.at(-1)).toBe("");
  });

  it("starts one server per destination even when several clients share it", () => {
    const script = trafficScript({ ...SEED_ARGS, pairs: "h1:h3,h2:h3" });
    expect(script.match(/iperf -s/g)).toHaveLength(1);
    expect(script.match(/iperf -c 10\.0\.0\.3/g)).toHaveLength(2);
  });

  it("writes Mininet CLI commands for `source` with --format mininet", () => {
    expect(trafficScript({ ...SEED_ARGS, format: "mininet", port: 5201 }).split("\n")).toEqual([
      "sh mkdir -p /tmp/gymrpc-traffic",
      "h2 timeout 16 iperf -s -u -p 5201 > /tmp/gymrpc-traffic/server_h2.log 2>&1 &",
      "h3 timeout 16 iperf -s -u -p 5201 > /tmp/gymrpc-traffic/server_h3.log 2>&1 &",
      "sh sleep 0.5",
      "h1 iperf -c 10.0.0.2 -u -b 10M -t 10 -p 5201 > /tmp/gymrpc-traffic/client_h1_h2.log 2>&1 &",
      "h2 iperf -c 10.0.0.3 -u -b 10M -t 10 -p 5201 > /tmp/gymrpc-traffic/client_h2_h3.log 2>&1 &",
      "",
    ]);
  });

  it("rejects bad pairs, rates, durations and log dirs", () => {
    const bad = (o: Partial<typeof SEED_ARGS> & { logDir?: string }) => () =>
      trafficScript({ ...SEED_ARGS, ...o });
    expect(bad({ pairs: "h1-h2" })).toThrow(InvalidArgumentError);
    expect(bad({ pairs: "h2:h2" })).toThrow(/sends to itself/);
    expect(bad({ bw: "ten" })).toThrow(/bandwidth/);
    expect(bad({ durationS: 0 })).toThrow(/duration/);
    expect(bad({ logDir: "/tmp/a b" })).toThrow(/plain path/);
  });

  it("is the `sdn traffic-script` command, writing an executable file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gymrpc-sdn-"));
    try {
      const out = join(dir, "traffic_commands.sh");
      await sdnCommand().parseAsync(
        ["traffic-script", "--pairs", "h1:h2,h2:h3", "--duration", "10", "--bw", "10M"].concat([
          "--offset",
          "0.5",
          "--out",
          out,
        ]),
        { from: "user" },
      );
      expect(readFileSync(out, "utf8")).toBe(trafficScript(SEED_ARGS));
      expect(statSync(out).mode & 0o111).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
