// The whole loop `serve --source kubernetes` wires, against the
// API server fixture: informers -> translate -> provisioner.sync, and the
// status writer wrapped by provisioner.statusSink. A Gateway gets its proxy
// objects, and its status.addresses once the proxy Service's load balancer
// has an address, which the Service informer brings back.
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { GatewayStatus } from "../../src/api/gateway-api.ts";
import { DEFAULT_CONTROLLER_NAME } from "../../src/api/translation.ts";
import { startProvisioner, type Provisioner, type ProvisionerLeadership } from "../../src/infra/provision/index.ts";
import { proxyName } from "../../src/infra/provision/names.ts";
import { silentLogger } from "../../src/observability/log.ts";
import { translate } from "../../src/translator/translate.ts";
import { startKubernetesInputs, type KubernetesInputs, type Leadership } from "../../src/watch/kubernetes/index.ts";
import { ApiServerFixture } from "../fixtures/apiserver/fixture.ts";
import { PROVISIONING_RESOURCES } from "../fixtures/apiserver/resources.ts";
import { FAST_TIMING, waitFor } from "../watch/kubernetes/helpers.ts";

// The inputs' leader object is what startProvisioner takes.
const asProvisionerLeader = (l: Leadership): ProvisionerLeadership => l;

const NS = "switchyard-system";
const GW = "gateway.networking.k8s.io/v1";

describe("serve --source kubernetes wiring", () => {
  let api: ApiServerFixture | undefined;
  let k8s: KubernetesInputs | undefined;
  let prov: Provisioner | undefined;
  afterEach(async () => {
    await prov?.stop();
    await k8s?.stop();
    await api?.stop();
  });

  it("provisions a Gateway's proxy and reports its load balancer address in the Gateway status", async () => {
    api = await new ApiServerFixture({ extraResources: PROVISIONING_RESOURCES }).start();
    api.apply({ apiVersion: GW, kind: "GatewayClass", metadata: { name: "switchyard" }, spec: { controllerName: DEFAULT_CONTROLLER_NAME } });
    api.apply({
      apiVersion: GW,
      kind: "Gateway",
      metadata: { name: "eg", namespace: "default" },
      spec: { gatewayClassName: "switchyard", listeners: [{ name: "http", port: 80, protocol: "HTTP" }], infrastructure: { labels: { team: "a" } } },
    });

    const registry = new Registry();
    k8s = startKubernetesInputs({
      kubeConfig: api.kubeConfig(),
      controllerName: DEFAULT_CONTROLLER_NAME,
      logger: silentLogger(),
      registry,
      leaderElection: false,
      timing: FAST_TIMING,
    });
    prov = startProvisioner({
      kubeConfig: api.kubeConfig(),
      leader: asProvisionerLeader(k8s.leader),
      logger: silentLogger(),
      registry,
      controllerNamespace: NS,
      resyncMs: 0,
      addressPollMs: 20,
    });
    const statusSink = prov.statusSink(k8s.statusSink);
    const inputs = k8s;
    const provisioner = prov;
    // What the controller does after each (debounced) translation.
    let scheduled = false;
    const run = () => {
      scheduled = false;
      const rs = inputs.source.current();
      const result = translate(rs, { controllerName: DEFAULT_CONTROLLER_NAME });
      provisioner.sync(result, rs);
      statusSink.publish(result.statuses);
    };
    inputs.source.onChange(() => {
      if (!scheduled) {
        scheduled = true;
        setImmediate(run);
      }
    });
    await inputs.source.start();
    run();

    const name = proxyName("default", "eg");
    await waitFor(() => api?.get("v1", "Service", name, NS) !== undefined, "the proxy Service exists");
    expect(api.get("apps/v1", "Deployment", name, NS)?.metadata.labels).toMatchObject({ team: "a", "gateway.networking.k8s.io/gateway-name": "eg" });
    const gatewayStatus = () => api?.get(GW, "Gateway", "eg", "default")?.status as GatewayStatus | undefined;
    await waitFor(() => gatewayStatus()?.conditions?.some((c) => c.type === "Programmed" && c.reason === "NoResources") === true, "Programmed=False NoResources while no proxy pod is available");

    // Envoy is ready; the load balancer is still pending.
    const dep = api.get("apps/v1", "Deployment", name, NS)!;
    api.apply({ ...dep, status: { replicas: 1, availableReplicas: 1 } });
    await waitFor(() => gatewayStatus()?.conditions?.some((c) => c.type === "Programmed" && c.reason === "AddressNotAssigned") === true, "Programmed=False AddressNotAssigned while the load balancer is pending");
    // The cloud assigns an address.
    const svc = api.get("v1", "Service", name, NS)!;
    api.apply({ ...svc, status: { loadBalancer: { ingress: [{ ip: "203.0.113.50" }] } } });
    await waitFor(() => JSON.stringify(gatewayStatus()?.addresses) === JSON.stringify([{ type: "IPAddress", value: "203.0.113.50" }]), "status.addresses written");
    await waitFor(() => gatewayStatus()?.conditions?.find((c) => c.type === "Programmed")?.status === "True", "Programmed=True");

    // Someone deletes the proxy Service: the informer sees it, and it is applied again at once.
    const uid = api.get("v1", "Service", name, NS)?.metadata.uid;
    api.remove("v1", "Service", name, NS);
    await waitFor(() => {
      const again = api?.get("v1", "Service", name, NS);
      return again !== undefined && again.metadata.uid !== uid;
    }, "the deleted Service is re-created");

    // The Gateway goes away: so does its proxy.
    api.remove(GW, "Gateway", "eg", "default");
    await waitFor(() => api?.get("apps/v1", "Deployment", name, NS) === undefined, "the proxy Deployment is deleted");
    await waitFor(() => api?.get("v1", "Service", name, NS) === undefined, "the proxy Service is deleted");
  });
});
