// A small JSON client for the Kubernetes API on top of client-node's own
// transport (KubeConfig authentication, TLS, proxies). We use it instead of the
// generated typed clients because those turn timestamps into Date objects and
// strip unknown fields, while the translator reads the API's raw JSON, and
// because every call here needs a hard timeout: a silently hanging API server
// must never stall the informers, the status writer or leader election.
import { IsomorphicFetchHttpLibrary, RequestContext, type HttpMethod, type KubeConfig } from "@kubernetes/client-node";
import { parseRetryAfter } from "../../util/retry-after.ts";

export interface KubeResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** A 429's or 503's Retry-After (seconds, as the API server sends it), in ms. */
  retryAfterMs?: number;
}

export interface KubeRequest {
  method: HttpMethod;
  /** Path with query string, e.g. `/api/v1/services?limit=500`. */
  path: string;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** An API error with the HTTP status and the Status object's reason, if any. */
export class KubeApiError extends Error {
  readonly statusCode: number;
  readonly reason: string | undefined;
  /** How long the server asked us to wait (429 Too Many Requests, 503), if it said. */
  readonly retryAfterMs: number | undefined;
  constructor(statusCode: number, message: string, reason?: string, retryAfterMs?: number) {
    super(message);
    this.name = "KubeApiError";
    this.statusCode = statusCode;
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DISPATCHER_TTL_MS = 10 * 60_000;

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly defaultTimeoutMs: number;
  private pool: { dispatcher: Dispatcher; since: number } | undefined;

  constructor(kubeConfig: KubeConfig, opts: { timeoutMs?: number } = {}) {
    this.kubeConfig = kubeConfig;
    this.defaultTimeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  /** Sends one request; resolves with any HTTP status, rejects on network errors and timeouts. */
  async request(req: KubeRequest): Promise<KubeResponse> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    const ctx = new RequestContext(cluster.server + req.path, req.method);
    await this.kubeConfig.applySecurityAuthentication(ctx);
    const dispatcher = ctx.getDispatcher();
    if (dispatcher) ctx.setDispatcher(this.reuseDispatcher(dispatcher));
    ctx.setHeaderParam("Accept", "application/json");
    if (req.body !== undefined) {
      ctx.setHeaderParam("Content-Type", req.contentType ?? "application/json");
      ctx.setBody(JSON.stringify(req.body));
    }
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(req.timeoutMs ?? this.defaultTimeoutMs)));
    ctx.setSignal(req.signal ? AbortSignal.any([req.signal, timeout]) : timeout);
    const res = await this.http.send(ctx).toPromise();
    const text = await res.body.text();
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
    }
    const retryAfterMs = parseRetryAfter(res.headers);
    return { status: res.httpStatusCode, body, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }

  /**
   * client-node makes a new connection pool (undici Agent) for every request to
   * a TLS API server, so every lease renewal and status write would pay a TLS
   * handshake. We keep one for a while; it is replaced now and then so that
   * rotated client certificates in a kubeconfig are picked up.
   */
  private reuseDispatcher(fresh: Dispatcher): Dispatcher {
    const now = performance.now();
    if (this.pool && now - this.pool.since < DISPATCHER_TTL_MS) {
      void fresh.close().catch(() => undefined);
      return this.pool.dispatcher;
    }
    const old = this.pool?.dispatcher;
    this.pool = { dispatcher: fresh, since: now };
    void old?.close().catch(() => undefined); // waits for requests in flight
    return fresh;
  }

  /** Like request(), but throws KubeApiError unless the status is 2xx. */
  async json(req: KubeRequest): Promise<unknown> {
    const res = await this.request(req);
    if (res.status < 200 || res.status > 299) throw apiError(res);
    return res.body;
  }
}

export function apiError(res: KubeResponse): KubeApiError {
  const b = res.body as { message?: unknown; reason?: unknown } | undefined;
  const message = typeof b?.message === "string" ? b.message : `HTTP ${res.status}`;
  const reason = typeof b?.reason === "string" ? b.reason : undefined;
  return new KubeApiError(res.status, message, reason, res.retryAfterMs);
}

/** The server's Retry-After on an error from this module, if any. */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof KubeApiError ? err.retryAfterMs : undefined;
}

/** The HTTP status of an error from this module or from client-node's Watch, if it has one. */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof KubeApiError) return err.statusCode;
  const e = err as { statusCode?: unknown; code?: unknown } | undefined;
  if (typeof e?.statusCode === "number") return e.statusCode;
  if (typeof e?.code === "number") return e.code;
  return undefined;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}
