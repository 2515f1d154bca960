// Exponential backoff with jitter, for restarting informers and retrying writes.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Multiplier per failure; 2 unless told. */
  factor?: number;
  /** Fraction of the delay added at random, 0..1; 0.2 unless told. */
  jitter?: number;
}

export class Backoff {
  private readonly opts: Required<BackoffOptions>;
  private failures = 0;

  constructor(opts: BackoffOptions) {
    this.opts = { factor: 2, jitter: 0.2, ...opts };
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.opts;
    const base = Math.min(maxMs, initialMs * factor ** this.failures);
    this.failures++;
    return Math.min(maxMs, Math.round(base * (1 + jitter * Math.random())));
  }

  reset(): void {
    this.failures = 0;
  }

  get attempts(): number {
    return this.failures;
  }
}
