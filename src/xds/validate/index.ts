// Validation of Envoy resources against the protoc-gen-validate (legacy PGV)
// annotations in Envoy's protos, before the xDS server serves them.
// See docs/validation.md for the rules covered and the withholding policy.
export type { ValidationFailure, Violation } from "./types.ts";
export { prepareValidation, validateMessage } from "./validate-message.ts";
export { nameViolation, ownViolations, uniquenessViolations, validateResources, withholdDependants, type FailureInput } from "./resources.ts";
