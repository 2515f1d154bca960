// What the provisioner knows about its proxies' live state, by Gateway key:
// the Service (addresses) and the Deployment (available replicas). It learns
// from apply responses, from the inputs' ResourceSet (which holds Services
// when it watches their namespace), and, for what those leave pending, by
// re-reading the objects with backoff while leading.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ResourceSet } from "../../api/resource-set.ts";
import type { Logger } from "../../observability/log.ts";
import { Backoff } from "../../util/backoff.ts";
import { canonicalJson } from "../../util/canonical-json.ts";
import { serviceAddresses, type ObservedService } from "./addresses.ts";
import type { DesiredState } from "./desired.ts";
import type { ObjectClient } from "./object-client.ts";
import type { InfraObject } from "./render.ts";
import { deploymentUnavailable, type GatewayObservation, type ObservedDeployment } from "./status.ts";

export interface ObserverOptions {
  client: ObjectClient;
  logger: Logger;
  isLeader: () => boolean;
  /** First re-read after this long, doubling to 30 s. */
  pollMs: number;
  /** Called when what the status path would show changed. */
  onChange: () => void;
}

interface Pending {
  key: string;
  obj: InfraObject;
}

export class ProxyObserver {
  private readonly opts: ObserverOptions;
  private desired: DesiredState = { gateways: new Map() };
  private readonly services = new Map<string, ObservedService>();
  private readonly deployments = new Map<string, ObservedDeployment>();
  /** Gateways whose Service the last ResourceSet held: their addresses need no polling. */
  private servicesInInputs = new Set<string>();
  /** Our Services and ConfigMaps the last ResourceSet held (kind/namespace/name). */
  private inInputs = new Set<string>();
  private fingerprint = "";
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;
  private readonly backoff: Backoff;

  constructor(opts: ObserverOptions) {
    this.opts = opts;
    this.backoff = new Backoff({ initialMs: opts.pollMs, maxMs: Math.max(opts.pollMs, 30_000), jitter: 0.1 });
  }

  /**
   * Takes the new desired state and the ResourceSet it came from. Returns the
   * objects the inputs showed before and no longer do: someone deleted them.
   */
  update(desired: DesiredState, rs: ResourceSet): InfraObject[] {
    this.desired = desired;
    for (const m of [this.services, this.deployments]) for (const key of [...m.keys()]) if (!desired.gateways.has(key)) m.delete(key);
    const gone: InfraObject[] = [];
    const now = new Set<string>();
    this.servicesInInputs = new Set();
    for (const g of desired.gateways.values()) {
      for (const o of g.objects ?? []) {
        if (o.kind !== "Service" && o.kind !== "ConfigMap") continue;
        const id = `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
        const seen = rs.get(o.kind, `${o.metadata.namespace}/${o.metadata.name}`);
        if (seen) now.add(id);
        else if (this.inInputs.has(id)) gone.push(o);
        if (seen && o.kind === "Service") {
          this.services.set(g.key, seen as ObservedService);
          this.servicesInInputs.add(g.key);
        }
      }
    }
    this.inInputs = now;
    this.changed();
    return gone;
  }

  /** An apply returned this object (with its status). */
  applied(key: string, obj: KubernetesObject): void {
    if (!this.desired.gateways.has(key)) return;
    if (obj.kind === "Service") this.services.set(key, obj as ObservedService);
    else if (obj.kind === "Deployment") this.deployments.set(key, obj as ObservedDeployment);
    this.changed();
  }

  observe(key: string): GatewayObservation | undefined {
    const g = this.desired.gateways.get(key);
    if (!g?.objects) return undefined;
    const svc = g.objects.find((o) => o.kind === "Service");
    const type = (svc?.spec as { type?: "LoadBalancer" | "NodePort" | "ClusterIP" } | undefined)?.type ?? "LoadBalancer";
    return { gateway: g.gateway, serviceType: type, service: svc ? this.services.get(key) : undefined, deployment: this.deployments.get(key) };
  }

  addressesFor(key: string) {
    const svc = this.services.get(key);
    return svc ? serviceAddresses(svc) : undefined;
  }

  leaderChanged(leading: boolean): void {
    if (leading) {
      this.backoff.reset();
      this.schedule();
    } else {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private changed(): void {
    const fp = canonicalJson(
      [...this.desired.gateways.keys()].sort().map((k) => {
        const o = this.observe(k);
        return [k, o?.service ? serviceAddresses(o.service) : null, o?.deployment ? deploymentUnavailable(o.deployment) : null];
      }),
    );
    if (fp !== this.fingerprint) {
      this.fingerprint = fp;
      this.opts.onChange();
    }
    this.schedule();
  }

  /** Services without an address the inputs cannot show, and Deployments without an available replica. */
  private pending(): Pending[] {
    const out: Pending[] = [];
    for (const g of this.desired.gateways.values()) {
      for (const o of g.objects ?? []) {
        if (o.kind === "Service" && !this.servicesInInputs.has(g.key) && serviceAddresses(this.services.get(g.key)).length === 0) out.push({ key: g.key, obj: o });
        if (o.kind === "Deployment" && deploymentUnavailable(this.deployments.get(g.key))) out.push({ key: g.key, obj: o });
      }
    }
    return out;
  }

  private schedule(): void {
    if (this.stopped || this.polling || this.timer || !this.opts.isLeader()) return;
    if (this.pending().length === 0) {
      this.backoff.reset();
      return;
    }
    this.timer = setTimeout(() => void this.poll(), this.backoff.next());
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    try {
      for (const p of this.pending()) {
        if (this.stopped || !this.opts.isLeader()) break;
        try {
          const obj = await this.opts.client.read(p.obj.apiVersion, p.obj.kind, p.obj.metadata.namespace, p.obj.metadata.name);
          if (obj) this.applied(p.key, { ...obj, apiVersion: p.obj.apiVersion, kind: p.obj.kind });
        } catch (err) {
          this.opts.logger.debug({ err, gateway: p.key, kind: p.obj.kind }, "reading a proxy object failed");
        }
      }
    } finally {
      this.polling = false;
      this.changed();
    }
  }
}
