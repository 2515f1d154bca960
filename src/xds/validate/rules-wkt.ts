// Rules on well-known message types: Duration, Timestamp and Any. Their
// `required` is checked where the field is read (walk.ts); these run on a
// value that is set.
import type { Duration, Timestamp } from "@bufbuild/protobuf/wkt";
import type { AnyRules, DurationRules, TimestampRules } from "../../gen/validate/validate_pb.js";
import { all, list, report, type Check } from "./check.ts";
import { rangeCheck } from "./rules-number.ts";

const NANOS = 1_000_000_000n;
/** google.protobuf.Duration's own limit, which Envoy enforces (see envoyDurationCheck). */
const MAX_SECONDS = 315_576_000_000n;

/** Duration and Timestamp alike; a missing part counts as zero, as on the wire. */
interface SecondsNanos {
  seconds?: bigint | number | string;
  nanos?: number;
}

function isSecondsNanos(v: unknown): v is SecondsNanos {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array);
}

/** BigInt of a seconds or nanos part; anything unusable counts as 0 rather than throwing. */
function big(x: unknown): bigint {
  try {
    if (typeof x === "bigint") return x;
    if (typeof x === "number") return BigInt(Math.trunc(x));
    if (typeof x === "string") return BigInt(x);
  } catch {
    // NaN, Infinity or a non-numeric string
  }
  return 0n;
}

function toNanos(d: SecondsNanos): bigint {
  return big(d.seconds) * NANOS + big(d.nanos);
}

function fmtDuration(n: bigint | number): string {
  const b = BigInt(n);
  const neg = b < 0n;
  const a = neg ? -b : b;
  const s = a / NANOS;
  const frac = a % NANOS;
  const f = frac === 0n ? "" : `.${frac.toString().padStart(9, "0").replace(/0+$/, "")}`;
  return `${neg ? "-" : ""}${s}${f}s`;
}

function fmtTimestamp(n: bigint | number): string {
  const ms = Number(BigInt(n) / 1_000_000n);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : `${n}ns`;
}

function timeChecks(
  kind: "duration" | "timestamp",
  r: DurationRules | TimestampRules,
  fmt: (n: bigint | number) => string,
): Check[] {
  const checks: Check[] = [];
  const opt = (d: Duration | Timestamp | undefined) => (d ? toNanos(d) : undefined);
  if (r.const) {
    const c = toNanos(r.const);
    checks.push((v, p, out) => {
      if (isSecondsNanos(v) && toNanos(v) !== c) report(out, p, `${kind}.const`, `value ${fmt(toNanos(v))} must equal ${fmt(c)}`);
    });
  }
  const range = rangeCheck(kind, { lt: opt(r.lt), lte: opt(r.lte), gt: opt(r.gt), gte: opt(r.gte) }, fmt);
  if (range) checks.push((v, p, out) => isSecondsNanos(v) && range(toNanos(v), p, out));
  return checks;
}

export function durationChecks(r: DurationRules): Check | undefined {
  const checks = timeChecks("duration", r, fmtDuration);
  if (r.in.length > 0) {
    const ins = new Set(r.in.map(toNanos));
    checks.push((v, p, out) => {
      if (isSecondsNanos(v) && !ins.has(toNanos(v))) report(out, p, "duration.in", `value ${fmtDuration(toNanos(v))} must be in [${[...ins].map(fmtDuration).join(", ")}]`);
    });
  }
  if (r.notIn.length > 0) {
    const nin = new Set(r.notIn.map(toNanos));
    checks.push((v, p, out) => {
      if (isSecondsNanos(v) && nin.has(toNanos(v))) report(out, p, "duration.not_in", `value ${fmtDuration(toNanos(v))} must not be in [${[...nin].map(fmtDuration).join(", ")}]`);
    });
  }
  return all(checks);
}

/**
 * Not a PGV rule: Envoy refuses every Duration with a negative part or past
 * the type's range when it loads a config (DurationUtil / validateDuration),
 * whatever the field's annotations say. Applied to every Duration field.
 */
export const envoyDurationCheck: Check = (v, p, out) => {
  if (!isSecondsNanos(v)) return;
  const s = big(v.seconds);
  const n = Number(big(v.nanos));
  if (s < 0n || n < 0) {
    report(out, p, "duration.envoy_range", `Envoy refuses negative durations, got ${fmtDuration(toNanos(v))}`);
  } else if (n > 999_999_999 || s > MAX_SECONDS) {
    report(out, p, "duration.envoy_range", `duration out of range: ${s}s ${n}ns`);
  }
};

export function timestampChecks(r: TimestampRules, now: () => bigint): Check | undefined {
  const checks = timeChecks("timestamp", r, fmtTimestamp);
  const within = r.within ? toNanos(r.within) : undefined;
  if (r.ltNow) {
    checks.push((v, p, out) => isSecondsNanos(v) && toNanos(v) >= now() && report(out, p, "timestamp.lt_now", "value must be in the past"));
  }
  if (r.gtNow) {
    checks.push((v, p, out) => isSecondsNanos(v) && toNanos(v) <= now() && report(out, p, "timestamp.gt_now", "value must be in the future"));
  }
  if (within !== undefined) {
    checks.push((v, p, out) => {
      if (!isSecondsNanos(v)) return;
      const d = toNanos(v) - now();
      if ((d < 0n ? -d : d) > within) report(out, p, "timestamp.within", `value must be within ${fmtDuration(within)} of now`);
    });
  }
  return all(checks);
}

export function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

export function anyChecks(r: AnyRules): Check | undefined {
  const checks: Check[] = [];
  const typeUrl = (v: unknown) => (typeof v === "object" && v !== null && "typeUrl" in v ? String(v.typeUrl) : undefined);
  if (r.in.length > 0) {
    const ins = new Set(r.in);
    checks.push((v, p, out) => {
      const t = typeUrl(v);
      if (t !== undefined && !ins.has(t)) report(out, p, "any.in", `type URL ${JSON.stringify(t)} must be in ${list(r.in)}`);
    });
  }
  if (r.notIn.length > 0) {
    const nin = new Set(r.notIn);
    checks.push((v, p, out) => {
      const t = typeUrl(v);
      if (t !== undefined && nin.has(t)) report(out, p, "any.not_in", `type URL ${JSON.stringify(t)} must not be in ${list(r.notIn)}`);
    });
  }
  return all(checks);
}
