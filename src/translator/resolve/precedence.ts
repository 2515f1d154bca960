// Route match precedence, as HTTPRouteRule documents it: Exact path, then
// longest prefix, then method, then most header matches, then most query
// matches; ties go to the oldest route, then namespace/name, then rule and
// match order. RegularExpression paths (implementation-specific) sit between
// Exact and PathPrefix, longest first.
import type { IrMatch } from "../ir.ts";

export interface Precedence {
  pathRank: number;
  pathLength: number;
  method: number;
  headers: number;
  queryParams: number;
  created: string;
  key: string;
  rule: number;
  match: number;
}

const RANK = { Exact: 0, RegularExpression: 1, PathPrefix: 2 } as const;

export function precedenceOf(m: IrMatch, created: string, key: string, rule: number, match: number): Precedence {
  return {
    pathRank: RANK[m.path.type],
    pathLength: m.path.value.length,
    method: m.method ? 1 : 0,
    headers: m.headers.length,
    queryParams: m.queryParams.length,
    created,
    key,
    rule,
    match,
  };
}

export function comparePrecedence(a: Precedence, b: Precedence): number {
  return (
    a.pathRank - b.pathRank ||
    b.pathLength - a.pathLength ||
    b.method - a.method ||
    b.headers - a.headers ||
    b.queryParams - a.queryParams ||
    (a.created < b.created ? -1 : a.created > b.created ? 1 : 0) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) ||
    a.rule - b.rule ||
    a.match - b.match
  );
}
