// PGV rules on real Envoy messages, one rule kind per test where Envoy's
// protos use it. Each test builds a resource that breaks exactly the rule.
import { create, type DescMessage, type Message, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { ClusterSchema, type Cluster_LbPolicy } from "../../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { HealthCheckSchema } from "../../../src/gen/envoy/config/core/v3/health_check_pb.js";
import { ClusterLoadAssignmentSchema } from "../../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { FilterSchema } from "../../../src/gen/envoy/config/listener/v3/listener_components_pb.js";
import { RouteConfigurationSchema } from "../../../src/gen/envoy/config/route/v3/route_pb.js";
import { RouteSchema, VirtualHostSchema } from "../../../src/gen/envoy/config/route/v3/route_components_pb.js";
import { HttpConnectionManagerSchema, HttpFilterSchema } from "../../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { RouterSchema } from "../../../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { DownstreamTlsContextSchema } from "../../../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { validateMessage } from "../../../src/xds/validate/index.ts";
import { okCla, okCluster, okHcm, okListener, okRouteConfig } from "./fixtures.ts";

/** A plain init object (not a message), so tests can spread and override it. */
type InitOf<D extends DescMessage> = Exclude<MessageInitShape<D>, MessageShape<D>>;

function check<D extends DescMessage>(schema: D, init: MessageInitShape<D>): [string, string][] {
  return validateMessage(schema, create(schema, init) as Message).map((v) => [v.field, v.rule]);
}

const route = (extra: InitOf<typeof RouteSchema> = {}): InitOf<typeof RouteSchema> => ({
  match: { pathSpecifier: { case: "prefix", value: "/" } },
  action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "c" } } },
  ...extra,
});

const vhost = (extra: InitOf<typeof VirtualHostSchema> = {}): InitOf<typeof VirtualHostSchema> => ({
  name: "vh",
  domains: ["*"],
  routes: [route()],
  ...extra,
});

describe("valid Envoy resources", () => {
  it("give no violations", () => {
    expect(validateMessage(ListenerSchema, okListener())).toEqual([]);
    expect(validateMessage(RouteConfigurationSchema, okRouteConfig())).toEqual([]);
    expect(validateMessage(ClusterSchema, okCluster())).toEqual([]);
    expect(validateMessage(ClusterLoadAssignmentSchema, okCla())).toEqual([]);
  });
});

describe("rules on Envoy messages", () => {
  it("repeated.min_items: a VirtualHost with no domains", () => {
    expect(check(RouteConfigurationSchema, { name: "rc", virtualHosts: [vhost({ domains: [] })] })).toEqual([
      ["virtual_hosts[0].domains", "repeated.min_items"],
    ]);
  });

  it("string.min_len applies to the proto3 default: a VirtualHost with an empty name", () => {
    expect(check(VirtualHostSchema, vhost({ name: "" }))).toEqual([["name", "string.min_len"]]);
  });

  it("string.well_known_regex: a header matcher name with a newline", () => {
    const v = check(RouteConfigurationSchema, {
      name: "rc",
      virtualHosts: [vhost({ routes: [route(), route({ match: { pathSpecifier: { case: "prefix", value: "/" }, headers: [{ name: "x-a\nb" }] } })] })],
    });
    expect(v).toEqual([["virtual_hosts[0].routes[1].match.headers[0].name", "string.well_known_regex"]]);
  });

  it("string.well_known_regex strict: a header value with a control character, non-strict name with a space", () => {
    const bad = check(RouteSchema, route({ requestHeadersToAdd: [{ header: { key: "x-a", value: "a\u0001b" } }] }));
    // HeaderValue.value is HTTP_HEADER_VALUE with strict: false, so only NUL/CR/LF are refused.
    expect(bad).toEqual([]);
    expect(check(RouteSchema, route({ requestHeadersToAdd: [{ header: { key: "x-a", value: "a\rb" } }] }))).toEqual([
      ["request_headers_to_add[0].header.value", "string.well_known_regex"],
    ]);
  });

  it("string.well_known_regex strict (the default): health check host and auto-SNI header", () => {
    const hc = (host: string) =>
      check(HealthCheckSchema, {
        timeout: { seconds: 1n },
        interval: { seconds: 1n },
        healthyThreshold: 1,
        unhealthyThreshold: 1,
        healthChecker: { case: "httpHealthCheck", value: { path: "/h", host } },
      });
    expect(hc("a\u0001b")).toEqual([["http_health_check.host", "string.well_known_regex"]]);
    expect(hc("a\tb")).toEqual([]); // HTAB is allowed in a header value
    const sni = (h: string) => check(ClusterSchema, { ...okClusterInit(), upstreamHttpProtocolOptions: { overrideAutoSniHeader: h } });
    expect(sni("bad name")).toEqual([["upstream_http_protocol_options.override_auto_sni_header", "string.well_known_regex"]]);
    expect(sni(":authority")).toEqual([]);
  });

  it("string.ignore_empty skips the other rules on an empty string", () => {
    const sni = check(ClusterSchema, { ...okClusterInit(), upstreamHttpProtocolOptions: { overrideAutoSniHeader: "" } });
    expect(sni).toEqual([]);
  });

  it("string.max_bytes: a header value over 16 KiB", () => {
    const v = check(RouteSchema, route({ requestHeadersToAdd: [{ header: { key: "x-a", value: "é".repeat(8193) } }] }));
    expect(v).toEqual([["request_headers_to_add[0].header.value", "string.max_bytes"]]);
  });

  it("string.pattern: path_separated_prefix ending in a slash", () => {
    expect(check(RouteSchema, route({ match: { pathSpecifier: { case: "pathSeparatedPrefix", value: "/api/" } } }))).toEqual([
      ["match.path_separated_prefix", "string.pattern"],
    ]);
    expect(check(RouteSchema, route({ match: { pathSpecifier: { case: "pathSeparatedPrefix", value: "/api" } } }))).toEqual([]);
  });

  it("string.in on repeated items: an unknown strict_check_headers entry in the router", () => {
    const v = check(RouterSchema, { strictCheckHeaders: ["x-envoy-max-retries", "x-nope"] });
    expect(v).toEqual([["strict_check_headers[1]", "string.in"]]);
  });

  it("duration.gt: a negative Cluster connect_timeout (and Envoy's own duration range)", () => {
    const v = check(ClusterSchema, { ...okClusterInit(), connectTimeout: { seconds: -1n } });
    expect(v).toContainEqual(["connect_timeout", "duration.gt"]);
    expect(v).toContainEqual(["connect_timeout", "duration.envoy_range"]);
    expect(check(ClusterSchema, { ...okClusterInit(), connectTimeout: { seconds: 0n } })).toEqual([["connect_timeout", "duration.gt"]]);
  });

  it("duration.lt and duration.required", () => {
    expect(check(DownstreamTlsContextSchema, { sessionTimeout: { seconds: 4294967296n } })).toEqual([["session_timeout", "duration.lt"]]);
    const hc = check(HealthCheckSchema, {
      interval: { seconds: 1n },
      healthyThreshold: 1,
      unhealthyThreshold: 1,
      healthChecker: { case: "tcpHealthCheck", value: {} },
    });
    expect(hc).toEqual([["timeout", "duration.required"]]);
  });

  it("uint32.lte in a oneof: a Listener port above 65535", () => {
    const { $typeName: _, ...rest } = okListener();
    const l = rest as InitOf<typeof ListenerSchema>;
    const v = check(ListenerSchema, {
      ...l,
      address: { address: { case: "socketAddress", value: { address: "0.0.0.0", portSpecifier: { case: "portValue", value: 70000 } } } },
    });
    expect(v).toEqual([["address.socket_address.port_value", "uint32.lte"]]);
  });

  it("uint32 range on a DirectResponseAction status: gte and lt", () => {
    const direct = (status: number) => route({ action: { case: "directResponse", value: { status } } });
    expect(check(RouteSchema, direct(199))).toEqual([["direct_response.status", "uint32.gte"]]);
    expect(check(RouteSchema, direct(600))).toEqual([["direct_response.status", "uint32.lt"]]);
    expect(check(RouteSchema, direct(404))).toEqual([]);
  });

  it("uint32 rules on an unboxed UInt32Value wrapper: load_balancing_weight 0", () => {
    const cla = (w: number | undefined) =>
      check(ClusterLoadAssignmentSchema, { clusterName: "c", endpoints: [{ loadBalancingWeight: w, lbEndpoints: [] }] });
    expect(cla(0)).toEqual([["endpoints[0].load_balancing_weight", "uint32.gte"]]);
    expect(cla(1)).toEqual([]);
    expect(cla(undefined)).toEqual([]); // an unset wrapper is not checked
  });

  it("double.lte: a panic threshold above 100%", () => {
    const v = check(ClusterSchema, { ...okClusterInit(), commonLbConfig: { healthyPanicThreshold: { value: 150 } } });
    expect(v).toEqual([["common_lb_config.healthy_panic_threshold.value", "double.lte"]]);
  });

  it("enum.defined_only: an undefined lb_policy value", () => {
    expect(check(ClusterSchema, { ...okClusterInit(), lbPolicy: 42 as Cluster_LbPolicy })).toEqual([["lb_policy", "enum.defined_only"]]);
  });

  it("enum.not_in: a CONNECT health check", () => {
    const v = check(HealthCheckSchema, {
      timeout: { seconds: 1n },
      interval: { seconds: 1n },
      healthyThreshold: 1,
      unhealthyThreshold: 1,
      healthChecker: { case: "httpHealthCheck", value: { path: "/h", method: 6 } },
    });
    expect(v).toEqual([["http_health_check.method", "enum.not_in"]]);
  });

  it("oneof.required: a route without an action, a RouteAction without a cluster", () => {
    expect(check(RouteSchema, { match: { pathSpecifier: { case: "prefix", value: "/" } } })).toEqual([["action", "oneof.required"]]);
    expect(check(RouteSchema, route({ action: { case: "route", value: {} } }))).toEqual([["route.cluster_specifier", "oneof.required"]]);
  });

  it("message.required: a route without a match", () => {
    expect(check(RouteSchema, { action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "c" } } } })).toEqual([
      ["match", "message.required"],
    ]);
  });

  it("repeated.unique: duplicate response_headers_to_copy", () => {
    const v = check(RouteSchema, route({ action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "c" }, internalRedirectPolicy: { responseHeadersToCopy: ["x-a", "x-a"] } } } }));
    expect(v).toEqual([["route.internal_redirect_policy.response_headers_to_copy[1]", "repeated.unique"]]);
  });

  it("map keys: string.min_len on an empty metadata namespace", () => {
    const v = check(ClusterSchema, { ...okClusterInit(), metadata: { filterMetadata: { "": { a: 1 } } } });
    expect(v).toEqual([['metadata.filter_metadata[""]', "string.min_len"]]);
  });

  it("any.required: a load-balancing policy without a typed_config", () => {
    const v = check(ClusterSchema, { ...okClusterInit(), loadBalancingPolicy: { policies: [{ typedExtensionConfig: { name: "rr" } }] } });
    expect(v).toEqual([["load_balancing_policy.policies[0].typed_extension_config.typed_config", "any.required"]]);
  });

  it("Any typed_config: the packed HttpConnectionManager is validated too", () => {
    const l = okListener();
    const badHcm = anyPack(HttpConnectionManagerSchema, okHcm({ statPrefix: "" }));
    const fc = l.filterChains[0];
    if (!fc) throw new Error("fixture has a filter chain");
    fc.filters = [create(FilterSchema, { name: "hcm", configType: { case: "typedConfig", value: badHcm } })];
    expect(validateMessage(ListenerSchema, l).map((v) => [v.field, v.rule])).toEqual([["filter_chains[0].filters[0].typed_config.stat_prefix", "string.min_len"]]);
  });

  it("Any typed_config: nested Any inside the packed message (router filter inside the HCM)", () => {
    const hcm = okHcm();
    hcm.httpFilters = [create(HttpFilterSchema, { name: "", configType: { case: "typedConfig", value: anyPack(RouterSchema, create(RouterSchema, { strictCheckHeaders: ["nope"] })) } })];
    const v = validateMessage(HttpConnectionManagerSchema, hcm).map((x) => [x.field, x.rule]);
    expect(v).toEqual([
      ["http_filters[0].name", "string.min_len"],
      ["http_filters[0].typed_config.strict_check_headers[0]", "string.in"],
    ]);
  });

  it("Any with bytes that do not decode, and with an empty type URL", () => {
    const hcm = okHcm();
    hcm.httpFilters = [
      create(HttpFilterSchema, { name: "a", configType: { case: "typedConfig", value: { typeUrl: "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router", value: new Uint8Array([0xff, 0xff]) } } }),
      create(HttpFilterSchema, { name: "b", configType: { case: "typedConfig", value: { typeUrl: "", value: new Uint8Array() } } }),
      create(HttpFilterSchema, { name: "c", configType: { case: "typedConfig", value: { typeUrl: "envoy.extensions.filters.http.router.v3.Router", value: new Uint8Array() } } }),
    ];
    const v = validateMessage(HttpConnectionManagerSchema, hcm).map((x) => [x.field, x.rule]);
    expect(v).toEqual([
      ["http_filters[0].typed_config", "any.decode"],
      ["http_filters[1].typed_config", "any.type_url"],
      ["http_filters[2].typed_config", "any.type_url"],
    ]);
  });

  it("an Any of a type the registry does not know is passed, not failed", () => {
    const hcm = okHcm();
    hcm.httpFilters = [create(HttpFilterSchema, { name: "x", configType: { case: "typedConfig", value: { typeUrl: "type.googleapis.com/example.Unknown", value: new Uint8Array([1, 2]) } } })];
    expect(validateMessage(HttpConnectionManagerSchema, hcm)).toEqual([]);
  });
});

/** A valid Cluster as an init object, so a test can override fields with plain values. */
function okClusterInit(): InitOf<typeof ClusterSchema> {
  const { $typeName: _, ...init } = okCluster();
  return init as InitOf<typeof ClusterSchema>;
}
