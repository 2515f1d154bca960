// The Helm chart (deploy/helm/switchyard) with the real helm: it lints; its defaults render deploy/base's
// RBAC, Deployment and Service (the RBAC from the same files); values change what they say; bad values
// fail with a message naming the value; and `helm install` into a real kube-apiserver creates the CRDs and
// objects, switchyard running as the chart's ServiceAccount gets the GatewayClass Accepted without a
// single 403, and `helm uninstall` keeps the CRDs.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { parseProxyParameters } from "../../src/api/proxy-parameters.ts";
import { waitFor } from "../watch/kubernetes/helpers.ts";
import { describeKube } from "../kube/peers.ts";
import { CONTROLLER, startRealPlane } from "../kube/plane.ts";
import { RealApiServer } from "../kube/real-apiserver.ts";
import { CHART, describeHelm, removeHelmHome, runHelm } from "./helm.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NS = "switchyard-system";
const RBAC_KINDS = new Set(["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]);

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface Container {
  image: string;
  args: string[];
  [field: string]: unknown;
}
interface DeploymentLike extends Obj {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; [field: string]: unknown } } };
}

const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj | null).filter((o): o is Obj => o !== null);
const find = (objs: Obj[], kind: string, name?: string) => objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = <T extends Obj = Obj>(objs: Obj[], kind: string, name?: string): T => {
  const found = find(objs, kind, name);
  expect(found.map((o) => `${o.kind}/${o.metadata.name}`), `exactly one ${kind} ${name ?? ""}`).toHaveLength(1);
  return found[0] as T;
};

/** deploy/base as kustomize applies it: namespaced objects in switchyard-system. */
function base(files: string[]): Obj[] {
  return files.flatMap((f) =>
    docs(readFileSync(`${ROOT}deploy/base/${f}.yaml`, "utf8")).map((o) => (o.kind.startsWith("Cluster") || o.kind === "Namespace" ? o : { ...o, metadata: { ...o.metadata, namespace: NS } })),
  );
}

/** What RBAC grants, without labels: kind, name, namespace, rules, roleRef, subjects. */
const grants = (objs: Obj[]) =>
  objs
    .filter((o) => RBAC_KINDS.has(o.kind))
    .map((o) => ({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, rules: o.rules, roleRef: o.roleRef, subjects: o.subjects }))
    .sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));

describeHelm("Helm chart deploy/helm/switchyard", (helm) => {
  const template = (args: string[] = [], release = "switchyard", namespace = NS) => {
    const r = runHelm(helm, ["template", release, CHART, "--namespace", namespace, ...args]);
    expect(r.status, r.stderr).toBe(0);
    return docs(r.stdout);
  };
  const failure = (args: string[]) => {
    const r = runHelm(helm, ["template", "switchyard", CHART, "--namespace", NS, ...args]);
    expect(r.status, `helm template ${args.join(" ")} should fail`).not.toBe(0);
    expect(r.stderr).not.toMatch(/goroutine|panic/);
    return r.stderr;
  };
  afterAll(() => removeHelmHome());

  it("lints clean, and its appVersion is package.json's version", () => {
    const r = runHelm(helm, ["lint", "--strict", CHART]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("1 chart(s) linted, 0 chart(s) failed");
    const chart = parse(readFileSync(`${CHART}/Chart.yaml`, "utf8")) as { appVersion: string };
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { version: string };
    expect(chart.appVersion).toBe(pkg.version);
  });

  it("renders deploy/base's RBAC, exactly: the same rules, names, roles and subjects", () => {
    const objs = template();
    expect(grants(objs)).toEqual(grants(base(["clusterrole", "clusterrolebinding", "role", "rolebinding", "provisioner-role"])));
    expect(one(objs, "ServiceAccount").metadata).toMatchObject({ name: "switchyard-controller", namespace: NS });
  });

  it("with proxies next to their Gateways, deploy/base's provisioner rules are granted cluster-wide", () => {
    const objs = template(["--set", "proxy.namespace=gateway"]);
    expect(find(objs, "Role", "switchyard-provisioner")).toEqual([]);
    const cluster = (o: Obj): Obj => {
      const { namespace: _, ...metadata } = o.metadata;
      const roleRef = o.roleRef as { kind: string } | undefined;
      return { ...o, kind: `Cluster${o.kind}`, metadata, ...(roleRef ? { roleRef: { ...roleRef, kind: `Cluster${roleRef.kind}` } } : {}) };
    };
    expect(grants(objs).filter((g) => g.name === "switchyard-provisioner")).toEqual(grants(base(["provisioner-role"]).map(cluster)));
    expect(one<DeploymentLike>(objs, "Deployment").spec.template.spec.containers[0]!.args).toContain("--proxy-namespace=gateway");
  });

  it("renders deploy/base's Deployment and Service: same pod, probes, env, ports, resources and flags", () => {
    const objs = template();
    const [want] = base(["deployment"]) as DeploymentLike[];
    const got = one<DeploymentLike>(objs, "Deployment", "switchyard-controller");
    expect(got.spec.replicas).toBe(want!.spec.replicas);
    const { containers: gotContainers, ...gotPod } = got.spec.template.spec;
    const { containers: wantContainers, ...wantPod } = want!.spec.template.spec;
    expect(gotPod).toEqual(wantPod);
    const { image, args, ...c } = gotContainers[0]!;
    const { image: wantImage, args: wantArgs, ...wc } = wantContainers[0]!;
    expect(c).toEqual(wc);
    expect(args).toEqual(expect.arrayContaining(wantArgs));
    expect(image.split(":")[0]).toBe(wantImage.split(":")[0]);
    expect(image).toBe("switchyard:0.1.0"); // the appVersion
    // The Service selects the pods, on deploy/base's port.
    const svc = one(objs, "Service", "switchyard") as Obj & { spec: { selector: Record<string, string>; ports: unknown[] } };
    expect(svc.spec.ports).toEqual((base(["service"])[0] as typeof svc).spec.ports);
    expect(got.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(got.spec.selector.matchLabels).toEqual(svc.spec.selector);
    expect(one(objs, "GatewayClass", "switchyard")).toMatchObject({ spec: { controllerName: CONTROLLER } });
  });

  it("values change what they say: replicas, image, flags, names, GatewayClass, proxy parameters", () => {
    const objs = template(
      [
        ["controller.replicas=3", "image.repository=registry.example/switchyard", "image.tag=1.2.3", "image.pullPolicy=Always"],
        ["controller.logLevel=debug", "proxy.image=envoy:custom", "proxy.serviceType=NodePort", "controller.watchNamespaces={apps,web}"],
        ["gatewayClass.name=edge", "gatewayClass.controllerName=example.com/edge", "proxy.parameters.replicas=2", "proxy.parameters.resources.requests.cpu=250m"],
      ].flatMap((set) => ["--set", set.join(",")]),
      "edge",
      "ingress",
    );
    const d = one<DeploymentLike>(objs, "Deployment", "edge-switchyard-controller");
    expect(d.spec.replicas).toBe(3);
    const c = d.spec.template.spec.containers[0]!;
    expect(c).toMatchObject({ image: "registry.example/switchyard:1.2.3", imagePullPolicy: "Always" });
    expect(c.args).toEqual(
      expect.arrayContaining(["--log-level=debug", "--envoy-image=envoy:custom", "--proxy-service-type=NodePort", "--namespace=apps", "--namespace=web", "--controller-name=example.com/edge"]),
    );
    // Proxies dial the Service this release renders.
    one(objs, "Service", "edge-switchyard");
    expect(c.args).toContain("--xds-advertise-host=edge-switchyard.ingress.svc.cluster.local");
    expect(one(objs, "ClusterRoleBinding").subjects).toEqual([{ kind: "ServiceAccount", name: "edge-switchyard-controller", namespace: "ingress" }]);
    // The GatewayClass points at a parameters ConfigMap that switchyard's own parser accepts.
    const gc = one(objs, "GatewayClass", "edge") as Obj & { spec: { controllerName: string; parametersRef: { name: string; namespace: string } } };
    expect(gc.spec.controllerName).toBe("example.com/edge");
    const cm = one(objs, "ConfigMap", gc.spec.parametersRef.name) as Obj & { data: Record<string, string> };
    expect(cm.metadata.namespace).toBe(gc.spec.parametersRef.namespace);
    expect(parseProxyParameters(cm.data)).toEqual({ ok: true, params: { replicas: 2, resources: { requests: { cpu: "250m" } } } });
  });

  it("switches: no in-cluster controller, no leader election, no provisioning, no GatewayClass, no CRDs", () => {
    const hostRun = template(["--set", "controller.enabled=false"]);
    expect(find(hostRun, "Deployment")).toEqual([]);
    expect(find(hostRun, "Service")).toEqual([]);
    expect(hostRun.map((o) => o.kind).sort()).toEqual(["ClusterRole", "ClusterRoleBinding", "GatewayClass", "Role", "Role", "RoleBinding", "RoleBinding", "ServiceAccount"]);

    const single = template(["--set", "controller.replicas=1,controller.leaderElection.enabled=false,proxy.provisioning=false"]);
    expect(find(single, "Role")).toEqual([]);
    expect(one<DeploymentLike>(single, "Deployment").spec.template.spec.containers[0]!.args).toEqual(expect.arrayContaining(["--disable-leader-election", "--disable-provisioning"]));

    expect(find(template(["--set", "gatewayClass.create=false"]), "GatewayClass")).toEqual([]);
    const crds = (args: string[]) => find(template(["--include-crds", ...args]), "CustomResourceDefinition").map((o) => o.metadata.name);
    expect(crds([])).toEqual(expect.arrayContaining(["gatewayclasses.gateway.networking.k8s.io", "httproutes.gateway.networking.k8s.io", "listenersets.gateway.networking.k8s.io"]));
    expect(crds(["--set", "crds.install=false"])).toEqual([]);
  });

  it("a bad value fails with a message that names it", () => {
    expect(failure(["--set", "controller.replicas=two"])).toMatch(/controller\/replicas.*integer/s);
    expect(failure(["--set", "proxy.namespace=elsewhere"])).toMatch(/proxy\/namespace.*controller.*gateway/s);
    expect(failure(["--set", "controler.replicas=1"])).toMatch(/controler/);
    expect(failure(["--set", "proxy.parameters.replica=2"])).toMatch(/replica/);
    expect(failure(["--set", "gatewayClass.controllerName=no-slash"])).toMatch(/gatewayClass\/controllerName/);
    expect(failure(["--set", "controller.leaderElection.enabled=false"])).toContain(
      "controller.replicas is 2 but controller.leaderElection.enabled is false",
    );
  });

  describeKube("helm install into a real kube-apiserver", (bin) => {
    let server: RealApiServer;
    let kubeconfig: string;
    const helmKube = (args: string[]) => runHelm(helm, [...args, "--kubeconfig", kubeconfig]);
    const status = async (path: string) => (await server.client.request({ method: "GET", path })).status;

    beforeAll(async () => {
      server = await RealApiServer.start({ bin, audit: true });
      kubeconfig = server.kubeconfigPath;
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });

    it("installs CRDs and objects; switchyard as the chart's ServiceAccount gets the GatewayClass Accepted, no 403; uninstall keeps the CRDs", async () => {
      const install = helmKube(["install", "switchyard", CHART, "--namespace", NS, "--create-namespace"]);
      expect(install.status, install.stderr).toBe(0);
      expect(install.stdout).toContain("GatewayClass switchyard");
      const G = "/apis/gateway.networking.k8s.io/v1";
      const paths = [
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gateways.gateway.networking.k8s.io",
        `/api/v1/namespaces/${NS}/serviceaccounts/switchyard-controller`,
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/switchyard-controller",
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles/switchyard-provisioner`,
        `/apis/apps/v1/namespaces/${NS}/deployments/switchyard-controller`,
        `/api/v1/namespaces/${NS}/services/switchyard`,
        `${G}/gatewayclasses/switchyard`,
      ];
      for (const p of paths) expect(await status(p), p).toBe(200);

      const token = await server.serviceAccountToken(NS, "switchyard-controller");
      const plane = await startRealPlane({ kubeConfig: server.tokenKubeConfig(token), leaderElection: true, leaseNamespace: NS, provisioning: { controllerNamespace: NS } });
      try {
        const accepted = async () => {
          const gc = (await server.client.json({ method: "GET", path: `${G}/gatewayclasses/switchyard` })) as { status?: { conditions?: { type: string; status: string }[] } };
          return gc.status?.conditions?.some((c) => c.type === "Accepted" && c.status === "True") === true;
        };
        await waitFor(accepted, "GatewayClass switchyard Accepted", 30_000);
        await waitFor(() => plane.k8s.leader.isLeader, "leadership", 20_000);
      } finally {
        await plane.stop();
      }
      const sa = `system:serviceaccount:${NS}:switchyard-controller`;
      const ours = server.auditEvents().filter((e) => e.user.username === sa && e.stage === "ResponseComplete");
      expect(ours.some((e) => e.verb === "update" && e.requestURI.includes("/gatewayclasses/switchyard/status"))).toBe(true);
      expect(ours.filter((e) => e.responseStatus?.code === 403).map((e) => `${e.verb} ${e.requestURI}`)).toEqual([]);

      const uninstall = helmKube(["uninstall", "switchyard", "--namespace", NS]);
      expect(uninstall.status, uninstall.stderr).toBe(0);
      await waitFor(async () => (await status(`${G}/gatewayclasses/switchyard`)) === 404, "GatewayClass deleted", 30_000);
      expect(await status(`/apis/apps/v1/namespaces/${NS}/deployments/switchyard-controller`)).toBe(404);
      expect(await status(paths[0]!)).toBe(200);
    }, 180_000);
  });
});
