// Interned subscription name sets: a thousand Envoys of one Gateway ask for
// the same EDS/RDS names, so they share one Set instead of a thousand copies.

interface Entry {
  set: ReadonlySet<string>;
  refs: number;
}

const interned = new Map<string, Entry>();

const EMPTY_NAMES: ReadonlySet<string> = new Set<string>();

/** The signature of a name set: its sorted names. */
export function namesSig(names: Iterable<string>): string {
  return [...new Set(names)].sort().join("\n");
}

/** A shared set for `sig`; pair every acquire with a release. */
export function acquireNames(sig: string, names: Iterable<string>): ReadonlySet<string> {
  if (sig === "") return EMPTY_NAMES;
  let e = interned.get(sig);
  if (!e) {
    e = { set: new Set(names), refs: 0 };
    interned.set(sig, e);
  }
  e.refs++;
  return e.set;
}

export function releaseNames(sig: string): void {
  if (sig === "") return;
  const e = interned.get(sig);
  if (e && --e.refs <= 0) interned.delete(sig);
}
