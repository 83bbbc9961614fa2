import type { Space } from "../../envs/core/spaces/space.js";
import { Recorder } from "../../recorders/recorder.js";
import type { RecordedEpisode, RecordingContext } from "../../recorders/types.js";

/** A recording context for tests: no config or metadata, policy "test". */
export function testContext(
  envId: string,
  observationSpace: Space,
  actionSpace: Space,
): RecordingContext {
  return { envId, config: {}, observationSpace, actionSpace, policyId: "test", metadata: {} };
}

/**
 * A Recorder whose writer keeps every finished episode in `episodes`, for tests
 * (`storesInfos: false`: a writer, like npz's, that says it reads no infos).
 */
export function createMemoryRecorder(
  envId: string,
  observationSpace: Space,
  actionSpace: Space,
  opts: { storesInfos?: boolean } = {},
): { recorder: Recorder; episodes: RecordedEpisode[] } {
  const episodes: RecordedEpisode[] = [];
  const ctx = testContext(envId, observationSpace, actionSpace);
  const recorder = new Recorder(
    {
      format: "memory",
      path: "memory",
      storesInfos: opts.storesInfos,
      writeEpisode: async (e) => {
        episodes.push(e);
      },
      close: async () => {},
    },
    ctx,
  );
  return { recorder, episodes };
}
