// The initial sync's page loop (activities/page-waves.ts) with an in-memory API and store: the next wave is
// fetched while the previous one is written, no further wave is requested before that write ends, a
// checkpoint never names a page that is not written, and a retried attempt resumes after the checkpoint
// without missing or re-writing a page.
import { describe, expect, it } from 'vitest';
import { syncPageWaves, type PageCheckpoint } from '../../activities/page-waves.js';

interface Page {
  page: number;
  items: number[];
  total: number;
}

function harness(options: { totalPages: number; failWriteOfPage?: number; failFetchOfPage?: number }) {
  const events: string[] = [];
  const written = new Set<number>();
  const checkpoints: PageCheckpoint[] = [];
  const beatsDuringWrite: PageCheckpoint[] = [];
  let fetching = 0;
  let maxHeld = 0;
  let held = 0; // pages fetched and not yet written
  const run = (fromPage: number, maxPages: number, previous?: unknown) =>
    syncPageWaves<Page>({
      resource: 'orders',
      fromPage,
      maxPages,
      waveSize: 3,
      previous,
      async fetchPage(page) {
        if (page === options.failFetchOfPage) throw new Error(`fetch ${page} failed`);
        events.push(`fetch ${page}`);
        fetching++;
        await new Promise((r) => setTimeout(r, 5));
        fetching--;
        held++;
        maxHeld = Math.max(maxHeld, held);
        return { page, items: [page * 10, page * 10 + 1], total: options.totalPages };
      },
      totalPagesOf: (p) => p.total,
      async writeWave(pages, checkpoint) {
        const ids = pages.map((p) => p.page);
        events.push(`write ${ids.join(',')} start (fetching ${fetching})`);
        beatsDuringWrite.push(checkpoint());
        await new Promise((r) => setTimeout(r, 20));
        if (ids.includes(options.failWriteOfPage ?? -1)) throw new Error('write failed');
        for (const id of ids) written.add(id);
        held -= pages.length;
        events.push(`write ${ids.join(',')} end`);
        return pages.reduce((n, p) => n + p.items.length, 0);
      },
      onCheckpoint: (c) => checkpoints.push(c),
    });
  return { run, events, written, checkpoints, beatsDuringWrite, maxHeld: () => maxHeld };
}

describe('initial sync page waves', () => {
  it('fetches the next wave while the previous one is written, holding at most two waves', async () => {
    const h = harness({ totalPages: 10 });
    const result = await h.run(1, 30);
    expect(result).toEqual({ nextPage: null, totalPages: 10, records: 20 });
    expect([...h.written].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The first page (fetched alone: it tells the page count) is written with the first wave, pages 5-7 in
    // flight; the write of 5-7 with 8-10 in flight.
    expect(h.events).toContain('write 1,2,3,4 start (fetching 3)');
    expect(h.events).toContain('write 5,6,7 start (fetching 3)');
    // Page 8 is requested only after pages 1-4 are written (one wave in flight, one being written).
    expect(h.events.indexOf('fetch 8')).toBeGreaterThan(h.events.indexOf('write 1,2,3,4 end'));
    expect(h.maxHeld()).toBeLessThanOrEqual(7);
  });

  it('writes the first page with the first wave: one store call fewer per activity', async () => {
    const ten = harness({ totalPages: 10 });
    await ten.run(1, 30);
    expect(ten.events.filter((e) => e.endsWith(' end'))).toEqual(['write 1,2,3,4 end', 'write 5,6,7 end', 'write 8,9,10 end']);
    const two = harness({ totalPages: 2 });
    await two.run(1, 30);
    expect(two.events.filter((e) => e.endsWith(' end'))).toEqual(['write 1,2 end']);
    const one = harness({ totalPages: 1 });
    expect(await one.run(1, 30)).toEqual({ nextPage: null, totalPages: 1, records: 2 });
    expect(one.events.filter((e) => e.endsWith(' end'))).toEqual(['write 1 end']);
  });

  it('checkpoints only written pages, also in heartbeats sent during a write', async () => {
    const h = harness({ totalPages: 7 });
    await h.run(1, 30);
    expect(h.checkpoints.map((c) => c.writtenThrough)).toEqual([4, 7]);
    expect(h.beatsDuringWrite.map((c) => c.writtenThrough)).toEqual([0, 4]);
    for (const c of h.checkpoints) for (let p = 1; p <= c.writtenThrough; p++) expect(h.written.has(p)).toBe(true);
  });

  it('stops at maxPages and names the next page', async () => {
    const h = harness({ totalPages: 100 });
    expect(await h.run(31, 30)).toEqual({ nextPage: 61, totalPages: 100, records: 60 });
    expect(Math.min(...h.written)).toBe(31);
    expect(Math.max(...h.written)).toBe(60);
  });

  it('a retried attempt resumes after the last checkpoint: nothing missed, nothing written twice', async () => {
    const crashed = harness({ totalPages: 12, failWriteOfPage: 8 });
    await expect(crashed.run(1, 30)).rejects.toThrow('write failed');
    const last = crashed.checkpoints.at(-1)!;
    expect(last.writtenThrough).toBe(7); // pages 8-10 were fetched and failed to write: not claimed
    const retry = harness({ totalPages: 12 });
    const result = await retry.run(1, 30, last);
    expect(Math.min(...retry.written)).toBe(8);
    expect([...crashed.written, ...retry.written].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(result).toEqual({ nextPage: null, totalPages: 12, records: 24 });
  });

  it('a fetch failure while the previous wave is written fails the attempt without claiming the wave', async () => {
    const h = harness({ totalPages: 9, failFetchOfPage: 6 });
    await expect(h.run(1, 30)).rejects.toThrow('fetch 6 failed');
    expect(h.checkpoints.at(-1)!.writtenThrough).toBe(4);
  });

  it('ignores details of another input and finishes at once when a previous attempt wrote everything', async () => {
    const other = harness({ totalPages: 5 });
    await other.run(1, 30, { resource: 'products', fromPage: 1, writtenThrough: 4, records: 8, totalPages: 5 });
    expect(Math.min(...other.written)).toBe(1);
    const done = harness({ totalPages: 5 });
    const result = await done.run(1, 30, { resource: 'orders', fromPage: 1, writtenThrough: 5, records: 10, totalPages: 5 });
    expect(result).toEqual({ nextPage: null, totalPages: 5, records: 10 });
    expect(done.events).toEqual([]);
  });
});
