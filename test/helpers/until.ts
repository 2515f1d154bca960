// Waits for a condition that an asynchronous process (a file watcher, a
// controller) makes true: re-checked on every notification, failing with the
// last observed value at a deadline rather than sleeping for a guessed time.

/** Something that can tell us "look again"; returns an unsubscribe, or nothing. */
export type Notifier = (wake: () => void) => (() => void) | void;

export async function until<T>(
  what: string,
  probe: () => T,
  ok: (value: T) => boolean,
  notify: Notifier,
  timeoutMs = 5000,
): Promise<T> {
  let last = probe();
  if (ok(last)) return last;
  let unsubscribe: (() => void) | void = undefined;
  let timer: NodeJS.Timeout | undefined;
  let active = true;
  try {
    return await new Promise<T>((resolve, reject) => {
      unsubscribe = notify(() => {
        if (!active) return;
        last = probe();
        if (ok(last)) resolve(last);
      });
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last saw ${JSON.stringify(last)}`)), timeoutMs);
    });
  } finally {
    active = false;
    clearTimeout(timer);
    if (typeof unsubscribe === "function") (unsubscribe as () => void)();
  }
}
