// The reconcile queue runs tasks in slices and lets the event loop in between:
// a callback queued while a slice runs gets its turn before the next slice.
// The clock is the test's: each task "takes" 1 ms, the slice is 3 ms.
import { describe, expect, it } from "vitest";
import { ReconcileQueue } from "../../src/xds/reconcile-queue.ts";

describe("reconcile queue", () => {
  it("yields to the event loop between slices, keeping the order tasks were added in", async () => {
    let clock = 0;
    const q = new ReconcileQueue({ sliceMs: 3, now: () => clock });
    const order: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    for (let i = 0; i < 7; i++) {
      q.add(() => {
        clock += 1;
        order.push(`task ${i}`);
        // Something the event loop has to do meanwhile (an ACK, a health check).
        if (i === 0) setImmediate(() => order.push("other work"));
        if (i === 6) done();
      });
    }
    await finished;
    expect(order).toEqual(["task 0", "task 1", "task 2", "other work", "task 3", "task 4", "task 5", "task 6"]);
  });

  it("runs a task added again before it ran once, and again if added while it runs", async () => {
    const q = new ReconcileQueue();
    let runs = 0;
    let release!: () => void;
    const second = new Promise<void>((resolve) => (release = resolve));
    const task = () => {
      runs++;
      if (runs === 1) q.add(task); // a stream scheduling itself while it reconciles
      if (runs === 2) release();
    };
    q.add(task);
    q.add(task);
    await second;
    expect(runs).toBe(2);
    expect(q.size).toBe(0);
  });
});
