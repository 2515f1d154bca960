// The shapes the PGV evaluator reports in; shared by the evaluator, the
// resource-level withholding and their callers in src/xds.
import type { ResourceType } from "../../api/xds.ts";

/** One broken `validate.rules` constraint. */
export interface Violation {
  /** Dotted proto field path from the resource root, e.g. `virtual_hosts[0].routes[2].match.prefix`. */
  field: string;
  /** The rule that failed, e.g. `string.min_len`, `oneof.required`, `duration.gt`. */
  rule: string;
  /** A sentence for people: what the value was and what the rule wants. */
  message: string;
}

/** A resource that is not served: it failed itself, or it depends on one that did. */
export interface ValidationFailure {
  type: ResourceType;
  name: string;
  /** Its own violations; empty when it is only withheld. */
  violations: Violation[];
  /** Set when the resource is withheld because something it references failed. */
  withheldBecause?: string;
}
