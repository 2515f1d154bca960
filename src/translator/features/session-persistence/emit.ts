// Session persistence (GEP-1619) in Envoy terms: the stateful_session HTTP filter.
//
// The filter sits in every HTTP connection manager *disabled*, with an empty
// config, and each route that wants persistence enables it through
// typed_per_filter_config (StatefulSessionPerRoute). Adding, changing or removing
// persistence therefore only changes RDS, never the Listener, so it causes no
// listener drain.
import { create } from "@bufbuild/protobuf";
import { anyPack, type Any } from "@bufbuild/protobuf/wkt";
import { TypedExtensionConfigSchema, type TypedExtensionConfig } from "../../../gen/envoy/config/core/v3/extension_pb.js";
import { FilterConfigSchema } from "../../../gen/envoy/config/route/v3/route_components_pb.js";
import { HttpFilterSchema, type HttpFilter } from "../../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import {
  StatefulSessionPerRouteSchema,
  StatefulSessionSchema,
  type StatefulSessionPerRoute,
} from "../../../gen/envoy/extensions/filters/http/stateful_session/v3/stateful_session_pb.js";
import { CookieBasedSessionStateSchema } from "../../../gen/envoy/extensions/http/stateful_session/cookie/v3/cookie_pb.js";
import { HeaderBasedSessionStateSchema } from "../../../gen/envoy/extensions/http/stateful_session/header/v3/header_pb.js";
import type { IrSessionPersistence } from "../../ir.ts";
import { duration } from "../../envoy/common.ts";

/** The HCM filter name; also the key of the per-route config. */
export const STATEFUL_SESSION_FILTER = "envoy.filters.http.stateful_session";
export const COOKIE_SESSION_STATE = "envoy.http.stateful_session.cookie";
export const HEADER_SESSION_STATE = "envoy.http.stateful_session.header";

/**
 * The HCM entry: disabled by default (routes enable it), and optional so that
 * clients that do not know it (proxyless gRPC, gRFC A55 aside) may skip it.
 */
export function statefulSessionHttpFilter(): HttpFilter {
  return create(HttpFilterSchema, {
    name: STATEFUL_SESSION_FILTER,
    configType: { case: "typedConfig", value: anyPack(StatefulSessionSchema, create(StatefulSessionSchema, {})) },
    disabled: true,
    isOptional: true,
  });
}

/** The session_state extension for one route's persistence. */
export function sessionStateExtension(s: IrSessionPersistence): TypedExtensionConfig {
  if (s.type === "Header") {
    return create(TypedExtensionConfigSchema, {
      name: HEADER_SESSION_STATE,
      typedConfig: anyPack(HeaderBasedSessionStateSchema, create(HeaderBasedSessionStateSchema, { name: s.name })),
    });
  }
  const cookie = create(CookieBasedSessionStateSchema, {
    cookie: {
      name: s.name,
      // Absent ttl = session cookie (no Max-Age); set only for Permanent cookies.
      ...(s.ttlSeconds !== undefined ? { ttl: duration(s.ttlSeconds) } : {}),
      // Empty path = Envoy sets no Path attribute (BackendLBPolicy).
      path: s.path ?? "",
    },
  });
  return create(TypedExtensionConfigSchema, {
    name: COOKIE_SESSION_STATE,
    typedConfig: anyPack(CookieBasedSessionStateSchema, cookie),
  });
}

/**
 * Per-route config enabling the filter. Not strict: when the remembered host is
 * gone, Envoy load-balances again and re-pins (GEP-1619 leaves failure behaviour
 * to the implementation).
 */
export function statefulSessionPerRoute(s: IrSessionPersistence): StatefulSessionPerRoute {
  return create(StatefulSessionPerRouteSchema, {
    override: {
      case: "statefulSession",
      value: create(StatefulSessionSchema, { sessionState: sessionStateExtension(s), strict: false }),
    },
  });
}

/**
 * The typed_per_filter_config entries a route needs (empty without persistence).
 * Wrapped in an optional FilterConfig: Envoy unwraps it and enables the filter,
 * while proxyless gRPC clients (which NACK unknown non-optional filter configs)
 * skip it and keep routing.
 */
export function sessionPerFilterConfig(s: IrSessionPersistence | undefined): Record<string, Any> {
  if (!s) return {};
  const wrapped = create(FilterConfigSchema, {
    config: anyPack(StatefulSessionPerRouteSchema, statefulSessionPerRoute(s)),
    isOptional: true,
  });
  return { [STATEFUL_SESSION_FILTER]: anyPack(FilterConfigSchema, wrapped) };
}
