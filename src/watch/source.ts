// What a source of inputs (file or kubernetes) gives the controller.
import type { Kind, ResourceSet } from "../api/resource-set.ts";
import type { StatusUpdate } from "../api/translation.ts";

export interface Source {
  /** Resolves once every input has been read (or listed) once. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The latest complete view of the inputs. */
  current(): ResourceSet;
  /** Called after current() changed; keep it cheap, the controller debounces. */
  onChange(listener: (change: SourceChange) => void): void;
  /** True once start() has resolved: every input has been seen once. */
  readonly synced: boolean;
}

/** What a change notification knows about the change. */
export interface SourceChange {
  /**
   * The kinds of the objects that changed, as the translation sees them, since the last notification;
   * undefined when the source cannot say. Empty: nothing the translation reads changed (a status-only
   * update, a file's errors), so the controller only re-publishes status. EndpointSlice alone: the
   * controller translates at once, without the debounce.
   */
  kinds?: ReadonlySet<Kind>;
}

/** Where computed status goes. The kubernetes source writes it back; the file source keeps it for the admin API. */
export interface StatusSink {
  publish(updates: readonly StatusUpdate[]): void;
}
