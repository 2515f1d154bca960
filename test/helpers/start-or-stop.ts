// The start of something that owns child processes, all or nothing: when a step of the start fails,
// stop() ends what the earlier steps began before the error goes on, so no process outlives a failed start.

export interface Stoppable {
  /** Must cope with a start that got only part of the way. */
  stop(): Promise<void>;
}

/** Runs `boot`; on failure awaits `thing.stop()` and rethrows. Resolves with `thing`. */
export async function startOrStop<T extends Stoppable>(thing: T, boot: () => Promise<void>): Promise<T> {
  try {
    await boot();
  } catch (err) {
    await thing.stop();
    throw err;
  }
  return thing;
}
