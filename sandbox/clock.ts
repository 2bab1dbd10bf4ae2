// The sandbox clock: real time plus an adjustable offset, so tests can jump ahead (rate-limit windows, stale
// signatures) without sleeping. `stamp()` hands out strictly increasing change times so that every mutation moves
// `last_update_time` forward even when two happen within the same millisecond.

export class SandboxClock {
  private offsetMs = 0;
  private last = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** A change time strictly greater than every earlier one. */
  stamp(): number {
    const t = Math.max(this.now(), this.last + 1);
    this.last = t;
    return t;
  }

  /** Generated data must never look newer than the first real change. */
  observe(ms: number): void {
    if (ms > this.last) this.last = ms;
  }
}
