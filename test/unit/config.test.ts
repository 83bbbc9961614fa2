import { describe, expect, it } from "vitest";
import { type ConfigSchema, closeMatches, resolveConfig, suggest } from "../../envs/core/config.js";
import { InvalidArgumentError, InvalidConfigError } from "../../envs/core/errors.js";

const schema: ConfigSchema = {
  messageType: "gymrpc.v1.envs.TestConfig",
  fields: [
    { name: "continuous", type: "bool", default: false, description: "" },
    { name: "max_speed", type: "double", default: 0.07, description: "", minimum: 0, maximum: 1 },
    { name: "num_agents", type: "int", default: 2, description: "", minimum: 1, maximum: 8 },
    { name: "gravity", type: "double", default: 9.8, description: "" },
    { name: "mode", type: "string", default: "easy", description: "", choices: ["easy", "hard"] },
    { name: "label", type: "string", default: "", description: "" },
  ],
};

/** The InvalidConfigError that `f` throws. */
function configError(f: () => unknown): InvalidConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidConfigError);
    return e as InvalidConfigError;
  }
  throw new Error("expected an InvalidConfigError");
}

describe("resolveConfig", () => {
  it("fills every default for an empty config", () => {
    expect(resolveConfig(schema, {})).toEqual({
      continuous: false,
      max_speed: 0.07,
      num_agents: 2,
      gravity: 9.8,
      mode: "easy",
      label: "",
    });
  });

  it("takes null and undefined as the default", () => {
    const c = resolveConfig(schema, { continuous: null, num_agents: undefined });
    expect(c.continuous).toBe(false);
    expect(c.num_agents).toBe(2);
  });

  it("keeps given values and returns exactly the schema's fields", () => {
    const c = resolveConfig(schema, {
      continuous: true,
      gravity: -3.5,
      mode: "hard",
      label: "x y",
    });
    expect(c).toEqual({
      continuous: true,
      max_speed: 0.07,
      num_agents: 2,
      gravity: -3.5,
      mode: "hard",
      label: "x y",
    });
    expect(Object.keys(c)).toEqual(schema.fields.map((f) => f.name));
  });

  it('coerces "true" and "false" strings for bool fields and rejects anything else', () => {
    expect(resolveConfig(schema, { continuous: "true" }).continuous).toBe(true);
    expect(resolveConfig(schema, { continuous: "false" }).continuous).toBe(false);
    for (const bad of ["yes", "True", "1", 1, 0]) {
      const e = configError(() => resolveConfig(schema, { continuous: bad }));
      expect(e.field).toBe("config.continuous");
      expect(e.reason).toBe(`expected a boolean, got ${JSON.stringify(bad)}`);
    }
  });

  it("coerces numeric strings for number fields", () => {
    expect(resolveConfig(schema, { gravity: "1.5" }).gravity).toBe(1.5);
    expect(resolveConfig(schema, { gravity: " -2 " }).gravity).toBe(-2);
    expect(resolveConfig(schema, { gravity: "1e3" }).gravity).toBe(1000);
    expect(resolveConfig(schema, { num_agents: "3" }).num_agents).toBe(3);
  });

  it("rejects non-numbers, NaN and empty strings for number fields", () => {
    for (const bad of ["abc", "", "   ", Number.NaN, true, [1]]) {
      const e = configError(() => resolveConfig(schema, { gravity: bad }));
      expect(e.field).toBe("config.gravity");
      expect(e.reason).toMatch(/^expected a number, got /);
    }
  });

  it("requires integers for int fields", () => {
    const e = configError(() => resolveConfig(schema, { num_agents: 2.5 }));
    expect(e.message).toBe("config.num_agents: expected an integer, got 2.5");
    expect(() => resolveConfig(schema, { num_agents: "2.5" })).toThrow(/expected an integer/);
  });

  it("enforces minimum and maximum, bounds included", () => {
    expect(resolveConfig(schema, { max_speed: 0 }).max_speed).toBe(0);
    expect(resolveConfig(schema, { max_speed: 1 }).max_speed).toBe(1);
    expect(configError(() => resolveConfig(schema, { max_speed: -0.01 })).message).toBe(
      "config.max_speed: must be >= 0, got -0.01",
    );
    expect(configError(() => resolveConfig(schema, { max_speed: "1.5" })).message).toBe(
      "config.max_speed: must be <= 1, got 1.5",
    );
    expect(() => resolveConfig(schema, { num_agents: 0 })).toThrow(/must be >= 1/);
    expect(() => resolveConfig(schema, { num_agents: 9 })).toThrow(/must be <= 8/);
  });

  it("enforces choices for string fields and requires strings", () => {
    expect(resolveConfig(schema, { mode: "hard" }).mode).toBe("hard");
    expect(configError(() => resolveConfig(schema, { mode: "medium" })).message).toBe(
      'config.mode: must be one of easy, hard, got "medium"',
    );
    expect(configError(() => resolveConfig(schema, { label: 5 })).reason).toBe(
      "expected a string, got 5",
    );
  });

  it("rejects an unknown key, suggesting the closest setting", () => {
    const e = configError(() => resolveConfig(schema, { max_sped: 0.5 }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.field).toBe("config.max_sped");
    expect(e.reason).toBe(
      'unknown setting; did you mean "max_speed"? (settings: continuous, max_speed, num_agents, gravity, mode, label)',
    );
    expect(configError(() => resolveConfig(schema, { Gravity: 1 })).reason).toMatch(
      /did you mean "gravity"\?/,
    );
    expect(configError(() => resolveConfig(schema, { numagents: 1 })).reason).toMatch(
      /did you mean "num_agents"\?/,
    );
  });

  it("does not suggest a far-off name but still lists the settings", () => {
    const e = configError(() => resolveConfig(schema, { zzzzzzzz: 1 }));
    expect(e.reason).not.toMatch(/did you mean/);
    expect(e.reason).toMatch(/\(settings: continuous, max_speed/);
  });

  it('says "none" for a schema without settings', () => {
    const empty: ConfigSchema = { messageType: "x", fields: [] };
    expect(resolveConfig(empty, {})).toEqual({});
    expect(configError(() => resolveConfig(empty, { a: 1 })).reason).toBe(
      "unknown setting (settings: none)",
    );
  });

  it("checks unknown keys before values", () => {
    const e = configError(() => resolveConfig(schema, { gravity: "bad", nope: 1 }));
    expect(e.field).toBe("config.nope");
  });
});

describe("suggest / closeMatches", () => {
  it("suggest returns the closest candidate only within typo reach", () => {
    expect(suggest("max_sped", ["max_speed", "gravity"])).toBe("max_speed");
    expect(suggest("GRAVITY", ["max_speed", "gravity"])).toBe("gravity");
    expect(suggest("xyz", ["max_speed", "gravity"])).toBeUndefined();
    expect(suggest("a", [])).toBeUndefined();
  });

  it("closeMatches ranks by edit distance, case-insensitively, and caps the count", () => {
    const ids = [
      "Acrobot-v1",
      "CartPole-v1",
      "MountainCar-v0",
      "MountainCarContinuous-v0",
      "Pendulum-v1",
    ];
    expect(closeMatches("CartPole-v0", ids)).toEqual(["CartPole-v1"]);
    expect(closeMatches("cartpole-v1", ids)[0]).toBe("CartPole-v1");
    expect(closeMatches("MountainCar-v1", ids)[0]).toBe("MountainCar-v0");
    expect(closeMatches("Mountain", ids, 1)).toHaveLength(1);
    expect(closeMatches("qqqqqqqqqqqqqqqqqqqqqq", ids)).toEqual([]);
  });
});
