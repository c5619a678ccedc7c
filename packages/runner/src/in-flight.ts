/**
 * Requests to the backend in flight. A replay drives the run's VirtualClock and must not move it
 * while a request is out (its answer may start more work at the current moment); `idle()` says
 * when the run is waiting for nothing but its clock. Waits on the clock (ticks, backoff, escalation
 * waits) are not requests: only the attempts themselves are counted.
 */

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class InFlight {
  #count = 0;
  #wakers: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  /** Counts `request` as in flight until it settles. */
  async track<T>(request: () => Promise<T>): Promise<T> {
    this.#count++;
    try {
      return await request();
    } finally {
      this.#count--;
      if (this.#count === 0) {
        const wakers = this.#wakers;
        this.#wakers = [];
        for (const wake of wakers) wake();
      }
    }
  }

  /**
   * Resolves once no request is in flight and what their answers set off has run as far as it can
   * without I/O or the clock (two turns of the event loop with nothing started in between).
   */
  async idle(): Promise<void> {
    for (;;) {
      await nextTurn();
      if (this.#count === 0) {
        await nextTurn();
        if (this.#count === 0) return;
      }
      if (this.#count > 0) await new Promise<void>((resolve) => this.#wakers.push(resolve));
    }
  }
}
