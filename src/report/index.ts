// What the operator is told: problems gathered from inputs, status, validation and NACKs, and
// the info-level log of loads, pushes and validity changes.
export { configProblems, isBad, statusProblems, withheldProblems, type Problem, type ProblemCategory } from "./problems.ts";
export { Reporter, snapshotDiff, type SnapshotLike } from "./reporter.ts";
