// Upgates allows 3 concurrent requests per API-access group; the 4th gets 429. Every client instance in this
// process that talks to one shop shares one semaphore from the registry below, so 20 racing callers (activities,
// ad-hoc scripts, several client objects) never exceed the cap. Across processes the cap holds because only the
// shop's own workflow calls the API for that shop, one activity at a time (see README.md).

export class Semaphore {
  private inUse = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Semaphore limit must be a positive integer, got ${limit}`);
  }

  get active(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async acquire(): Promise<() => void> {
    if (this.inUse < this.limit) {
      this.inUse++;
    } else {
      // The releasing holder hands its slot straight to us (inUse unchanged), so no newcomer can overtake.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.inUse--;
    };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}

export const UPGATES_MAX_CONCURRENCY = 3;

const perShop = new Map<string, Semaphore>();

/** The process-wide semaphore of one shop. Entries are tiny and one per installed shop, so they are kept. */
export function shopSemaphore(shopToken: string): Semaphore {
  let semaphore = perShop.get(shopToken);
  if (!semaphore) {
    semaphore = new Semaphore(UPGATES_MAX_CONCURRENCY);
    perShop.set(shopToken, semaphore);
  }
  return semaphore;
}
