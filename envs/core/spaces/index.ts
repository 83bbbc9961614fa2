export { type Bounds, Box } from "./box.js";
export { Dict, type DictSpaceValue } from "./dict.js";
export { Discrete } from "./discrete.js";
export { MultiBinary } from "./multi-binary.js";
export { MultiDiscrete } from "./multi-discrete.js";
export {
  formatIndex,
  formatShape,
  type Space,
  type SpaceKind,
  type SpaceValue,
  type Violation,
} from "./space.js";
export { ALPHANUMERIC, Text } from "./text.js";
export { Tuple } from "./tuple.js";
