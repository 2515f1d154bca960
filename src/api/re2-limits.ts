// The RE2 program-size ceiling that switchyard and every Envoy it configures agree on.
//
// Envoy refuses a regex whose compiled RE2 program is larger than the runtime key
// `re2.max_program_size.error_level` (default 100, which a single `\w{100}` exceeds).
// The translator refuses bigger patterns with a status condition on their route, and the
// bootstrap sets the runtime key to the same number, so a pattern the translator lets through
// is one Envoy compiles.
//
// 4096, because:
// - the largest pattern switchyard builds itself, a GRPCRoute method match of a 1024-character
//   service and a 1024-character method, compiles to about 2,060 instructions and must fit;
// - hand-written route patterns measure in the tens to low hundreds;
// - Envoy sizes RE2's memory budget as max(8 MiB, limit x 1 KiB), so any limit up to 8192 keeps
//   RE2's own default of 8 MiB per regex: memory stays bounded however many routes there are,
//   and a program of 4096 instructions (16 bytes each) leaves most of it to the DFA cache.
export const RE2_MAX_PROGRAM_SIZE = 4096;
