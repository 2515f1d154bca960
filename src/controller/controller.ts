// The controller loop: source -> debounce -> translate -> publish snapshots to
// the xDS cache and status to the sinks. Nothing is published before the
// source has synced once, so proxies never see a half-read world.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { Kind, ResourceSet } from "../api/resource-set.ts";
import type { StatusUpdate, TranslationResult, TranslatorOptions } from "../api/translation.ts";
import { MESH_SNAPSHOT_KEY, meshSidecarSnapshotKey, type XdsResources } from "../api/xds.ts";
import { hasSidecarListeners, sidecarView } from "../translator/envoy/mesh-sidecar.ts";
import type { Logger } from "../observability/log.ts";
import type { Source, SourceChange, StatusSink } from "../watch/source.ts";

/**
 * Kinds whose changes alone are translated at once even amid other changes: only
 * ClusterLoadAssignments depend on them, which the translation worker rebuilds without translating
 * any route (endpoint-fast-path.ts), so batching them saves little and delays every endpoint update.
 */
const IMMEDIATE_KINDS: ReadonlySet<Kind> = new Set<Kind>(["EndpointSlice"]);

function immediate(change: SourceChange): boolean {
  const kinds = change.kinds;
  if (!kinds || kinds.size === 0) return false;
  for (const k of kinds) if (!IMMEDIATE_KINDS.has(k)) return false;
  return true;
}

/** The part of the xDS snapshot cache the controller writes to. */
export interface SnapshotPublisher {
  setSnapshot(key: string, resources: XdsResources): unknown;
  deleteSnapshot(key: string): unknown;
  keys(): string[];
}

/** translate(), or its stand-in in a worker thread (worker-translator.ts), which answers later. */
export type TranslateFn = (rs: ResourceSet, opts: TranslatorOptions) => TranslationResult | Promise<TranslationResult>;

export interface ControllerOptions {
  source: Source;
  publisher: SnapshotPublisher;
  statusSinks: StatusSink[];
  translate: TranslateFn;
  translatorOptions: TranslatorOptions;
  logger: Logger;
  registry: Registry;
  /**
   * Changes this close together are translated together: the first after a quiet spell at once, the
   * ones that follow after this long without another (EndpointSlice-only changes at once: IMMEDIATE_KINDS).
   */
  debounceMs?: number;
  /** Upper bound on how long steady churn may delay a translation. */
  maxDelayMs?: number;
  /** Called after each published translation, e.g. to provision proxies. */
  onTranslated?: (result: TranslationResult, rs: ResourceSet) => void;
  /** Adjusts the translated status before the sinks get it (the proxies' NACKs, nack-status.ts). */
  adjustStatuses?: (statuses: readonly StatusUpdate[], rs: ResourceSet) => readonly StatusUpdate[];
}

export class Controller {
  private readonly opts: ControllerOptions;
  private timer?: NodeJS.Timeout;
  /** A status re-publish without translation is pending (SourceChange with no kinds). */
  private statusTimer?: NodeJS.Timeout;
  /** What was last handed to the publisher, by key. */
  private published = new Map<string, XdsResources>();
  private firstPendingAt?: number;
  /** When the last change that needs a translation came. */
  private lastChangeAt?: number;
  private result?: TranslationResult;
  private resultInputs?: ResourceSet;
  private readonly metrics;
  private readonly idleWaiters: (() => void)[] = [];
  private stopped = false;
  /** An asynchronous translation is running; changes meanwhile wait for it (`again`). */
  private inFlight = false;
  private again = false;

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    const registers = [opts.registry];
    this.metrics = {
      translations: new Counter({ name: "switchyard_translations_total", help: "Translations run", labelNames: ["result"], registers }),
      duration: new Histogram({
        name: "switchyard_translation_duration_seconds",
        help: "Time to translate the inputs",
        buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      }),
      gateways: new Gauge({ name: "switchyard_gateways", help: "Gateways with a published snapshot", registers }),
    };
    opts.source.onChange((change) => this.changed(change));
  }

  /** True after the first translation of fully synced inputs was published. */
  get ready(): boolean {
    return this.result !== undefined;
  }

  lastResult(): TranslationResult | undefined {
    return this.result;
  }

  /** Translates at once if the source has synced; call after source.start(). */
  start(): void {
    if (this.opts.source.synced) this.run();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.statusTimer);
  }

  /** Resolves when no translation is pending; for tests and shutdown. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private changed(change: SourceChange): void {
    if (this.stopped || !this.opts.source.synced) return;
    if (change.kinds?.size === 0) {
      // Nothing translated changed, but what the sinks compare with may have (our status, overwritten).
      this.statusTimer ??= setTimeout(() => {
        this.statusTimer = undefined;
        this.publishStatus();
        this.wakeIdle();
      }, this.opts.debounceMs ?? 75);
      return;
    }
    const now = Date.now();
    const debounce = this.opts.debounceMs ?? 75;
    // At once when the change comes after a quiet spell (a single edit waits for nothing), or is of
    // EndpointSlices alone; the changes that follow within the debounce wait for it and go together.
    // Only when nothing is waiting already: a pending change keeps its batch.
    const quiet = this.lastChangeAt === undefined || now - this.lastChangeAt >= debounce;
    this.lastChangeAt = now;
    if (this.firstPendingAt === undefined && (quiet || immediate(change))) {
      this.timer ??= setTimeout(() => this.run(), 0);
      return;
    }
    this.firstPendingAt ??= now;
    const deadline = this.firstPendingAt + (this.opts.maxDelayMs ?? 500);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), Math.max(0, Math.min(debounce, deadline - now)));
  }

  private run(): void {
    this.timer = undefined;
    this.firstPendingAt = undefined;
    if (this.inFlight) {
      // One translation at a time; the latest inputs are read when this one is done.
      this.again = true;
      return;
    }
    const rs = this.opts.source.current();
    const end = this.metrics.duration.startTimer();
    let out: TranslationResult | Promise<TranslationResult>;
    try {
      out = this.opts.translate(rs, this.opts.translatorOptions);
    } catch (err) {
      this.failed(err, rs);
      this.wakeIdle();
      return;
    }
    if (!(out instanceof Promise)) {
      this.succeeded(out, rs, end);
      this.wakeIdle();
      return;
    }
    this.inFlight = true;
    void out
      .then(
        (result) => this.succeeded(result, rs, end),
        (err: unknown) => this.failed(err, rs),
      )
      .finally(() => {
        this.inFlight = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.run();
        } else if (this.timer === undefined) this.wakeIdle();
      });
  }

  private failed(err: unknown, rs: ResourceSet): void {
    // translate() must never throw on user input; if it does, that is our bug.
    // Proxies keep their last config.
    this.metrics.translations.inc({ result: "error" });
    this.opts.logger.error({ err, objects: rs.size }, "translation failed; keeping the last published config");
  }

  private succeeded(result: TranslationResult, rs: ResourceSet, end: () => void): void {
    if (this.stopped) return;
    const { logger } = this.opts;
    end();
    this.metrics.translations.inc({ result: "ok" });
    this.result = result;
    this.resultInputs = rs;
    this.publish(result);
    try {
      this.opts.onTranslated?.(result, rs);
    } catch (err) {
      logger.error({ err }, "post-translation hook failed");
    }
    logger.debug({ gateways: result.gateways.length, statuses: result.statuses.length }, "translated");
  }

  private publish(result: TranslationResult): void {
    const { publisher } = this.opts;
    const keep = new Set(result.gateways.map((g) => g.key));
    // A snapshot object published before is the same content (results are never changed once made):
    // with a hundred Gateways, a route edit changes one, and the cache need not look at the others.
    const published = new Map<string, XdsResources>();
    const set = (key: string, resources: XdsResources) => {
      if (this.published.get(key) !== resources) publisher.setSnapshot(key, resources);
      published.set(key, resources);
    };
    for (const g of result.gateways) set(g.key, g.resources);
    if (result.mesh) {
      keep.add(MESH_SNAPSHOT_KEY);
      set(MESH_SNAPSHOT_KEY, result.mesh);
      // Envoy sidecars (translator option meshSidecars): one view per namespace.
      if (hasSidecarListeners(result.mesh)) {
        for (const ns of this.resultInputs?.list("Namespace") ?? []) {
          const key = meshSidecarSnapshotKey(ns.metadata.name);
          keep.add(key);
          publisher.setSnapshot(key, sidecarView(result.mesh, ns.metadata.name));
        }
      }
    }
    for (const key of publisher.keys()) if (!keep.has(key)) publisher.deleteSnapshot(key);
    this.published = published;
    this.metrics.gateways.set(result.gateways.length);
    this.publishStatus();
  }

  /**
   * Sends the last translation's status to the sinks again, through
   * adjustStatuses: call it when what that adjusts by has changed.
   */
  publishStatus(): void {
    const { result, resultInputs } = this;
    if (!result || !resultInputs || this.stopped) return;
    let statuses: readonly StatusUpdate[] = result.statuses;
    try {
      if (this.opts.adjustStatuses) statuses = this.opts.adjustStatuses(result.statuses, resultInputs);
    } catch (err) {
      this.opts.logger.error({ err }, "status adjustment failed; publishing the translated status");
    }
    for (const sink of this.opts.statusSinks) {
      try {
        sink.publish(statuses);
      } catch (err) {
        this.opts.logger.error({ err }, "status sink failed");
      }
    }
  }

  private get busy(): boolean {
    return this.timer !== undefined || this.inFlight || this.statusTimer !== undefined;
  }

  private wakeIdle(): void {
    if (this.busy) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
