// Keeps the latest computed status for the admin API and `translate --with-status`.
import type { StatusUpdate } from "../api/translation.ts";
import type { StatusSink } from "../watch/source.ts";

export class StatusStore implements StatusSink {
  private latest: readonly StatusUpdate[] = [];

  publish(updates: readonly StatusUpdate[]): void {
    this.latest = updates;
  }

  all(): readonly StatusUpdate[] {
    return this.latest;
  }
}
