// A token bucket: at most `burst` operations at once, refilled at `qps` per
// second. Keeps a storm of status changes from flooding the API server.

export class TokenBucket {
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private last = performance.now();

  constructor(qps: number, burst: number) {
    if (!(qps > 0) || !(burst >= 1)) throw new Error("token bucket needs qps > 0 and burst >= 1");
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
  }

  /** Resolves when a token was taken; waits as long as the rate requires. */
  async take(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.tokens) / this.qps) * 1000);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }
}
