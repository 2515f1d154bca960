// Server-sent events for the UI: one `change` event (with the topics that changed) per burst of
// changes, so a page re-reads what it shows instead of polling.
import type { ServerResponse } from "node:http";

/** Coalesces bursts (a translation changes snapshots, status and nodes at once). */
const COALESCE_MS = 150;
/** A comment now and then keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 25_000;

export class EventHub {
  readonly #clients = new Set<ServerResponse>();
  #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #seq = 0;

  /** Starts streaming to `res` until the client goes away. */
  add(res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ seq: this.#seq })}\n\n`);
    this.#clients.add(res);
    res.on("close", () => this.#clients.delete(res));
    this.#heartbeat ??= setInterval(() => {
      for (const c of this.#clients) c.write(": keep-alive\n\n");
    }, HEARTBEAT_MS).unref();
  }

  /** Something the UI shows changed. */
  changed(topic: string): void {
    this.#pending.add(topic);
    this.#timer ??= setTimeout(() => this.#flush(), COALESCE_MS);
  }

  #flush(): void {
    this.#timer = undefined;
    const topics = [...this.#pending].sort();
    this.#pending = new Set();
    this.#seq += 1;
    const data = `event: change\ndata: ${JSON.stringify({ seq: this.#seq, topics })}\n\n`;
    for (const c of this.#clients) c.write(data);
  }

  get size(): number {
    return this.#clients.size;
  }

  close(): void {
    clearTimeout(this.#timer);
    clearInterval(this.#heartbeat);
    for (const c of this.#clients) c.end();
    this.#clients.clear();
  }
}
