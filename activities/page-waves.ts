// The page loop of an initial sync (syncPages): pages are fetched in waves of up to 3 (Upgates' per-shop
// concurrency limit) and the next wave is fetched while the previous one is written, so API latency and
// database time overlap instead of adding up. At most two waves are held: the one being written and the one
// being fetched; the wave after that is not requested before the write ends. The first page is fetched alone
// (it tells how many pages there are) and written together with the first wave.
//
// Checkpoint (the activity's heartbeat details): the last page whose records are WRITTEN, never a page only
// fetched. A retried attempt (worker killed, timeout, transient error) resumes after it, so pages already
// stored are neither fetched nor written again; anything after it is fetched again, so nothing is skipped.

/** Heartbeat details of a syncPages attempt; a retry of the same activity reads them back. */
export interface PageCheckpoint {
  /** Identify the activity input, so details of another input are never taken for this one. */
  resource: string;
  fromPage: number;
  /** Every page up to and including this one is written (fromPage - 1: nothing yet). */
  writtenThrough: number;
  /** Records written by the attempts so far (the result reports the activity's total). */
  records: number;
  totalPages: number | null;
}

export interface PageWavesInput<Page> {
  resource: string;
  fromPage: number;
  maxPages: number;
  /** Pages fetched concurrently (Upgates allows 3 requests in flight per shop). */
  waveSize: number;
  /** The details a previous attempt of this activity left, if any (activityInfo().heartbeatDetails). */
  previous: unknown;
  fetchPage(page: number): Promise<Page>;
  totalPagesOf(page: Page): number;
  /** Writes one wave's pages in one store call; resolves to the number of records written. */
  writeWave(pages: Page[], checkpoint: () => PageCheckpoint): Promise<number>;
  /** Called with the checkpoint after every written wave (heartbeat it). */
  onCheckpoint(checkpoint: PageCheckpoint): void;
}

export interface PageWavesResult {
  nextPage: number | null;
  totalPages: number;
  records: number;
}

export function resumeCheckpoint(previous: unknown, resource: string, fromPage: number): PageCheckpoint | undefined {
  const c = previous as Partial<PageCheckpoint> | null | undefined;
  if (!c || typeof c !== 'object' || c.resource !== resource || c.fromPage !== fromPage) return undefined;
  if (!Number.isInteger(c.writtenThrough) || !Number.isInteger(c.records) || c.writtenThrough! < fromPage) return undefined;
  return { resource, fromPage, writtenThrough: c.writtenThrough!, records: c.records!, totalPages: c.totalPages ?? null };
}

export async function syncPageWaves<Page>(input: PageWavesInput<Page>): Promise<PageWavesResult> {
  const resumed = resumeCheckpoint(input.previous, input.resource, input.fromPage);
  const checkpoint: PageCheckpoint = resumed ?? {
    resource: input.resource,
    fromPage: input.fromPage,
    writtenThrough: input.fromPage - 1,
    records: 0,
    totalPages: null,
  };
  const lastAllowed = input.fromPage + input.maxPages - 1;
  const startPage = checkpoint.writtenThrough + 1;
  const result = (totalPages: number): PageWavesResult => {
    const last = Math.min(totalPages, lastAllowed);
    return { nextPage: last < totalPages ? last + 1 : null, totalPages, records: checkpoint.records };
  };
  // A previous attempt wrote every page this activity covers (it died before returning).
  if (checkpoint.totalPages !== null && startPage > Math.min(checkpoint.totalPages, lastAllowed)) return result(checkpoint.totalPages);

  // The first page alone: it tells how many pages there are.
  const first = await input.fetchPage(startPage);
  const totalPages = input.totalPagesOf(first);
  const last = Math.min(totalPages, lastAllowed);
  const waves: number[][] = [];
  for (let page = startPage + 1; page <= last; page += input.waveSize)
    waves.push(Array.from({ length: Math.min(input.waveSize, last - page + 1) }, (_, i) => page + i));

  // The first page waits for the first wave and is written with it: one store call (and its change claim and
  // statements) fewer per activity, at the cost of holding one page more.
  const firstWave = waves[0];
  let current: { pages: number[]; fetched: Promise<Page[]> } | undefined = firstWave
    ? {
        pages: [startPage, ...firstWave],
        fetched: Promise.all(firstWave.map((page) => input.fetchPage(page))).then((rest) => [first, ...rest]),
      }
    : { pages: [startPage], fetched: Promise.resolve([first]) };
  let inFlight: Promise<Page[]> | undefined;
  let nextIndex = firstWave ? 1 : 0;
  try {
    while (current) {
      const pages = await current.fetched;
      // Start the next wave's requests before this wave's write, so both run together.
      const upcoming = waves[nextIndex++];
      const next = upcoming ? { pages: upcoming, fetched: Promise.all(upcoming.map((page) => input.fetchPage(page))) } : undefined;
      inFlight = next?.fetched;
      // Handled now: it may fail while this write runs (awaited below, it still throws for the attempt).
      inFlight?.catch(() => undefined);
      const written = await input.writeWave(pages, () => ({ ...checkpoint }));
      checkpoint.records += written;
      checkpoint.writtenThrough = current.pages[current.pages.length - 1]!;
      checkpoint.totalPages = totalPages;
      input.onCheckpoint({ ...checkpoint });
      current = next;
    }
  } finally {
    // A failed write ends the attempt while the next wave is in flight: let it settle (its requests hold the
    // shop's concurrency slots until they end) and drop its outcome.
    await inFlight?.catch(() => undefined);
  }
  return result(totalPages);
}
