import { cartPoleRegistration } from "./classic-control/cartpole-registration.js";
import { Registry } from "./core/registry.js";

/** A registry holding every env gymrpc ships. */
export function createDefaultRegistry(): Registry {
  const registry = new Registry();
  for (const reg of [cartPoleRegistration]) registry.register(reg);
  return registry;
}
