// CSDS (envoy.service.status.v3.ClientStatusDiscoveryService): the server's
// view of each connected client — what was sent, and whether it was ACKed.
import safeRegex from "safe-regex2";
import { create, fromBinary } from "@bufbuild/protobuf";
import { AnySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ClientResourceStatus } from "../gen/envoy/admin/v3/config_dump_shared_pb.js";
import {
  ClientConfigSchema,
  ClientConfig_GenericXdsConfigSchema,
  ClientStatusResponseSchema,
  ConfigStatus,
  type ClientConfig,
  type ClientConfig_GenericXdsConfig,
  type ClientStatusRequest,
  type ClientStatusResponse,
} from "../gen/envoy/service/status/v3/csds_pb.js";
import type { StringMatcher } from "../gen/envoy/type/matcher/v3/string_pb.js";
import type { SnapshotCache } from "./cache.ts";
import type { BaseStream, TypeStateBase } from "./stream-base.ts";

function matchString(m: StringMatcher | undefined, value: string): boolean {
  if (!m) return true;
  const v = m.ignoreCase ? value.toLowerCase() : value;
  const p = m.matchPattern;
  const norm = (s: string): string => (m.ignoreCase ? s.toLowerCase() : s);
  switch (p.case) {
    case "exact":
      return v === norm(p.value);
    case "prefix":
      return v.startsWith(norm(p.value));
    case "suffix":
      return v.endsWith(norm(p.value));
    case "contains":
      return v.includes(norm(p.value));
    case "safeRegex":
      return regexMatches(p.value.regex, value);
    default:
      return false;
  }
}

/**
 * Envoy's safe_regex is RE2, which cannot backtrack; JS RegExp can. A client's
 * pattern that could backtrack catastrophically (judged by safe-regex2), or a
 * very long one, matches nothing rather than stalling the server.
 */
function regexMatches(pattern: string, value: string): boolean {
  if (pattern.length > MAX_REGEX_LENGTH || !safeRegex(pattern)) return false;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

const MAX_REGEX_LENGTH = 1024;

function selected(req: ClientStatusRequest, stream: BaseStream): boolean {
  if (req.nodeMatchers.length === 0) return true;
  // OR across matchers; node metadata matchers are not supported and match nothing.
  return req.nodeMatchers.some((nm) => nm.nodeMetadatas.length === 0 && matchString(nm.nodeId, stream.nodeId));
}

function perType(
  stream: BaseStream,
  ts: TypeStateBase,
  cache: SnapshotCache,
  withContents: boolean,
): ClientConfig_GenericXdsConfig[] {
  const out: ClientConfig_GenericXdsConfig[] = [];
  const snap = stream.key !== undefined ? cache.getSnapshot(stream.key) : undefined;
  const nacked = ts.nackedVersion !== undefined && ts.nackedVersion === ts.sentVersion;
  const acked = ts.ackedVersion !== undefined && ts.ackedVersion === ts.sentVersion;
  const configStatus = ts.inFlight ? ConfigStatus.STALE : nacked ? ConfigStatus.ERROR : acked ? ConfigStatus.SYNCED : ConfigStatus.UNKNOWN;
  const clientStatus = ts.inFlight
    ? ClientResourceStatus.REQUESTED
    : nacked
      ? ClientResourceStatus.NACKED
      : acked
        ? ClientResourceStatus.ACKED
        : ClientResourceStatus.UNKNOWN;
  const updated = ts.sentAtMs > 0 ? timestampFromDate(new Date(ts.sentAtMs)) : undefined;
  // SotW builds this map on each call: once per type, not once per subscribed name.
  const held = stream.held(ts);
  for (const [name, version] of [...held].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const r = ts.type !== undefined ? snap?.types[ts.type].byName.get(name) : undefined;
    // Secrets (private keys) are never dumped, as Envoy's own config_dump redacts them:
    // CSDS shares the ADS port, so any client that reaches it could read them.
    const contents =
      withContents && r && r.version === version && r.type !== "secret"
        ? fromBinary(AnySchema, r.any)
        : undefined;
    out.push(
      create(ClientConfig_GenericXdsConfigSchema, {
        typeUrl: ts.typeUrl,
        name,
        versionInfo: version,
        xdsConfig: contents,
        lastUpdated: updated,
        configStatus,
        clientStatus,
      }),
    );
  }
  // Subscribed names the client does not hold yet.
  for (const name of ts.names) {
    if (held.has(name)) continue;
    out.push(
      create(ClientConfig_GenericXdsConfigSchema, {
        typeUrl: ts.typeUrl,
        name,
        configStatus: ConfigStatus.NOT_SENT,
        clientStatus: ClientResourceStatus.REQUESTED,
      }),
    );
  }
  return out;
}

export function clientStatus(
  req: ClientStatusRequest,
  streams: Iterable<BaseStream>,
  cache: SnapshotCache,
): ClientStatusResponse {
  const config: ClientConfig[] = [];
  for (const stream of streams) {
    if (!selected(req, stream)) continue;
    const genericXdsConfigs = [...stream.types.values()].flatMap((ts) =>
      perType(stream, ts, cache, !req.excludeResourceContents),
    );
    config.push(create(ClientConfigSchema, { node: stream.node, genericXdsConfigs, clientScope: "" }));
  }
  return create(ClientStatusResponseSchema, { config });
}
