// validateMessage: one message against its type's PGV plan.
import type { DescMessage, Message, Registry } from "@bufbuild/protobuf";
import { registry as envoyRegistry } from "../../gen/registry.js";
import { planFor } from "./plan.ts";
import type { Violation } from "./types.ts";
import { walk } from "./walk.ts";

/**
 * Every `validate.rules` violation in `message`, with dotted field paths from
 * it. Packed Any messages are unpacked with `registry` and checked too.
 * Never throws: should the walk itself fail on a malformed value, that is
 * reported as a `validator.error` violation, so the resource is not served
 * unchecked.
 */
export function validateMessage(schema: DescMessage, message: Message, registry: Registry = envoyRegistry): Violation[] {
  const out: Violation[] = [];
  const plan = planFor(schema);
  if (!plan.relevant) return out;
  try {
    walk(plan, message as unknown as Record<string, unknown>, undefined, { registry, out });
  } catch (e) {
    out.push({ field: "", rule: "validator.error", message: `could not validate ${schema.typeName}: ${(e as Error).message}` });
  }
  return out;
}

/**
 * Build the rule plans of every message type in `registry` now, so the first
 * snapshot does not pay for it (a few hundred ms on a cold process).
 */
export function prepareValidation(registry: Registry = envoyRegistry): number {
  let n = 0;
  for (const t of registry) {
    if (t.kind === "message") {
      planFor(t);
      n++;
    }
  }
  return n;
}
