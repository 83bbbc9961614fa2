import { acrobotRegistration } from "./classic-control/acrobot-registration.js";
import { cartPoleRegistration } from "./classic-control/cartpole-registration.js";
import { mountainCarContinuousRegistration } from "./classic-control/mountain-car-continuous-registration.js";
import { mountainCarRegistration } from "./classic-control/mountain-car-registration.js";
import { pendulumRegistration } from "./classic-control/pendulum-registration.js";
import { Registry } from "./core/registry.js";
import { opticalRoutingRegistration } from "./optical/optical-routing-registration.js";
import { pickPlaceRegistration, robotReachRegistration } from "./robot/robot-registration.js";
import { sdnRoutingRegistration } from "./sdn/sdn-routing-registration.js";

/** A registry holding every env gymrpc ships. */
export function createDefaultRegistry(): Registry {
  const registry = new Registry();
  for (const reg of [
    cartPoleRegistration,
    acrobotRegistration,
    mountainCarRegistration,
    mountainCarContinuousRegistration,
    pendulumRegistration,
    sdnRoutingRegistration,
    opticalRoutingRegistration,
    robotReachRegistration,
    pickPlaceRegistration,
  ]) {
    registry.register(reg);
  }
  return registry;
}
