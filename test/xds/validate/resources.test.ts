// validateResources: failed resources are dropped, their dependants are
// withheld by the documented rules, and everything else still goes out.
import { create } from "@bufbuild/protobuf";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { emptyResources, type XdsResources } from "../../../src/api/xds.ts";
import { ListenerSchema } from "../../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { TlsCertificateSchema } from "../../../src/gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { HttpConnectionManagerSchema } from "../../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { validateResources, withholdDependants } from "../../../src/xds/validate/index.ts";
import { okCla, okCluster, okHcm, okListener, okRouteConfig, okSecret } from "./fixtures.ts";

function snapshot(): XdsResources {
  return {
    listeners: [okListener("http", { route: "rc-http" }), okListener("https", { route: "rc-https", secret: "cert" })],
    routes: [okRouteConfig("rc-http", ["a", "b"]), okRouteConfig("rc-https", ["b"])],
    clusters: [okCluster("a"), okCluster("b"), okCluster("tls", { secret: "ca" })],
    endpoints: [okCla("a"), okCla("b"), okCla("tls")],
    secrets: [okSecret("cert"), okSecret("ca")],
  };
}

const names = (r: XdsResources) => ({
  listeners: r.listeners.map((x) => x.name),
  routes: r.routes.map((x) => x.name),
  clusters: r.clusters.map((x) => x.name),
  endpoints: r.endpoints.map((x) => x.clusterName),
  secrets: r.secrets.map((x) => x.name),
});

describe("validateResources", () => {
  it("serves a valid snapshot unchanged", () => {
    const s = snapshot();
    const { served, failures } = validateResources(s);
    expect(failures).toEqual([]);
    expect(served.listeners).toBe(s.listeners); // nothing dropped: same arrays
    expect(names(served)).toEqual(names(s));
  });

  it("a failed Cluster drops its endpoints, and the route table that names it is still served", () => {
    const s = snapshot();
    const b = s.clusters[1];
    if (!b) throw new Error("fixture");
    b.connectTimeout = create(DurationSchema, { seconds: 0n });
    const { served, failures } = validateResources(s);
    expect(failures).toEqual([
      { type: "cluster", name: "b", violations: [{ field: "connect_timeout", rule: "duration.gt", message: "value 0s must be greater than 0s" }] },
      { type: "endpoint", name: "b", violations: [], withheldBecause: 'cluster "b" is not served' },
    ]);
    expect(names(served)).toEqual({ ...names(s), clusters: ["a", "tls"], endpoints: ["a", "tls"] });
  });

  it("a route table with validate_clusters: true that names a failed cluster is withheld, with its listener", () => {
    const s = snapshot();
    s.routes[1] = okRouteConfig("rc-https", ["b"], { validateClusters: true });
    const b = s.clusters[1];
    if (!b) throw new Error("fixture");
    b.lbPolicy = 99 as never;
    const { served, failures } = validateResources(s);
    expect(failures.map((f) => [f.type, f.name, f.violations.map((v) => v.rule), f.withheldBecause])).toEqual([
      ["cluster", "b", ["enum.defined_only"], undefined],
      ["endpoint", "b", [], 'cluster "b" is not served'],
      ["route", "rc-https", [], 'validate_clusters is set and cluster "b" is not served'],
      ["listener", "https", [], 'route configuration "rc-https" is not served'],
    ]);
    expect(names(served).listeners).toEqual(["http"]);
    expect(names(served).routes).toEqual(["rc-http"]);
  });

  it("a failed RouteConfiguration withholds the listener that loads it over RDS, nothing else", () => {
    const s = snapshot();
    const rc = s.routes[0];
    if (!rc) throw new Error("fixture");
    rc.virtualHosts[0]!.domains = [];
    const { served, failures } = validateResources(s);
    expect(failures.map((f) => [f.type, f.name, f.withheldBecause])).toEqual([
      ["route", "rc-http", undefined],
      ["listener", "http", 'route configuration "rc-http" is not served'],
    ]);
    expect(failures[0]?.violations).toEqual([
      { field: "virtual_hosts[0].domains", rule: "repeated.min_items", message: "must have at least 1 items, got 0" },
    ]);
    expect(names(served)).toEqual({ ...names(s), listeners: ["https"], routes: ["rc-https"] });
  });

  it("a failed Secret withholds the listener and the cluster that use it over SDS, and that cluster's endpoints", () => {
    const s = snapshot();
    // A DataSource with nothing in it breaks `oneof specifier` (validate.required).
    for (const x of s.secrets) x.type = { case: "tlsCertificate", value: create(TlsCertificateSchema, { certificateChain: {} }) };
    const { served, failures } = validateResources(s);
    expect(failures.filter((f) => f.violations.length > 0).map((f) => [f.type, f.name])).toEqual([
      ["secret", "cert"],
      ["secret", "ca"],
    ]);
    expect(failures.filter((f) => f.withheldBecause).map((f) => [f.type, f.name, f.withheldBecause])).toEqual([
      ["cluster", "tls", 'secret "ca" failed validation'],
      ["endpoint", "tls", 'cluster "tls" is not served'],
      ["listener", "https", 'secret "cert" failed validation'],
    ]);
    expect(names(served)).toEqual({ listeners: ["http"], routes: ["rc-http", "rc-https"], clusters: ["a", "b"], endpoints: ["a", "b"], secrets: [] });
  });

  it("an inline route table naming a failed cluster withholds its listener (Envoy validates inline tables)", () => {
    const s = snapshot();
    const inline = okHcm({ routeSpecifier: { case: "routeConfig", value: okRouteConfig("inline", ["b"]) } });
    s.listeners.push(okListener("inline", { hcm: inline }));
    const lenient = okHcm({ routeSpecifier: { case: "routeConfig", value: okRouteConfig("inline2", ["b"], { validateClusters: false }) } });
    s.listeners.push(okListener("inline-lenient", { hcm: lenient }));
    s.clusters[1]!.lbPolicy = 99 as never;
    const { served, failures } = validateResources(s);
    expect(failures.find((f) => f.type === "listener")).toEqual({
      type: "listener",
      name: "inline",
      violations: [],
      withheldBecause: 'its inline route table names cluster "b", which is not served',
    });
    expect(names(served).listeners).toEqual(["http", "https", "inline-lenient"]);
  });

  it("an invalid packed HttpConnectionManager fails its listener", () => {
    const s = snapshot();
    s.listeners[0] = okListener("http", { hcm: okHcm({ statPrefix: "" }, "rc-http") });
    const { failures } = validateResources(s);
    expect(failures).toEqual([
      {
        type: "listener",
        name: "http",
        violations: [{ field: "filter_chains[0].filters[0].typed_config.stat_prefix", rule: "string.min_len", message: 'value length must be at least 1 characters, got ""' }],
      },
    ]);
  });

  it("an api_listener (grpc-js-xds) with a failed route table is withheld", () => {
    const s = emptyResources();
    s.listeners.push(
      create(ListenerSchema, { name: "grpc-svc", apiListener: { apiListener: anyPack(HttpConnectionManagerSchema, okHcm({}, "rc")) } }),
    );
    s.routes.push(okRouteConfig("rc", [], {}));
    s.routes[0]!.virtualHosts[0]!.routes = [];
    s.routes[0]!.virtualHosts[0]!.domains = [];
    const { served, failures } = validateResources(s);
    expect(failures.map((f) => [f.type, f.name])).toEqual([
      ["route", "rc"],
      ["listener", "grpc-svc"],
    ]);
    expect(served.listeners).toEqual([]);
  });

  it("duplicate and empty names fail; the first of a duplicate is served", () => {
    const s = snapshot();
    s.clusters.push(okCluster("a"));
    s.secrets.push(okSecret(""));
    s.routes.push(okRouteConfig(""));
    const { served, failures } = validateResources(s);
    expect(failures.map((f) => [f.type, f.name, f.violations.map((v) => v.rule)])).toEqual([
      ["secret", "", ["resource.name"]],
      ["cluster", "a", ["resource.name"]],
      ["route", "", ["resource.name"]],
    ]);
    // A later duplicate of "a" failing does not count as "a" failing: its endpoints stay.
    expect(names(served).clusters).toEqual(["a", "b", "tls"]);
    expect(names(served).endpoints).toEqual(["a", "b", "tls"]);
  });
});

describe("withholdDependants", () => {
  it("applies the same rules to failures found elsewhere (by name)", () => {
    const s = snapshot();
    const { served, failures } = withholdDependants(s, [{ type: "cluster", name: "tls", violations: [{ field: "x", rule: "r", message: "m" }] }]);
    expect(failures.map((f) => [f.type, f.name, f.withheldBecause])).toEqual([
      ["cluster", "tls", undefined],
      ["endpoint", "tls", 'cluster "tls" is not served'],
    ]);
    expect(names(served).clusters).toEqual(["a", "b"]);
  });
});
