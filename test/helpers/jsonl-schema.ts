/** Seed 001's JSONL transition keys, in its order: every line has exactly these. */
export const SEED_001_JSONL_KEYS: readonly string[] = [
  "t",
  "seed",
  "state",
  "action",
  "reward",
  "next_state",
  "action_mask",
  "meta",
];
