// The per-shop change sequence of the mirror (issue 17.1). Every record-store write batch that changes
// something takes one sequence number and stamps it on each record it writes, in the same statement that
// writes the data (`seq`), so the change feed can read "everything after N" in the order of the changes.
//
// The hazard is a reader skipping a change: it reads up to N, and later a write stamped with a number below
// N commits (a zombie activity attempt still running in another process, a retry overlapping it, a writer
// delayed between taking its number and writing). Two rules rule that out:
//
// 1. Numbers are claimed and resolved by INSERTS under one unique index (models/record-change-claim.ts):
//    claim n = insert {seq: n, kind: 'claim'} with n = highest claim + 1 (a duplicate key means someone
//    else took n: read again, take the next); the batch then writes its records with `seq: n`; then it
//    resolves n by inserting {seq: n, kind: 'end'}. A unique insert is atomic on MongoDB and on FerretDB
//    1.24 (whose updates, `$inc` included, are read-modify-write of the whole document and lose updates under
//    concurrency), so no two batches share a number and exactly one resolution of a claim wins.
// 2. Readers only read up to the committed watermark: below the lowest claim that has no `end` yet
//    (`watermark`). So a batch still writing holds readers back, and everything at or below the watermark has
//    landed: a claim's `end` is inserted only after all of its writes returned.
//
// A writer that died (worker killed mid-batch) never resolves its claim. The next write batch of the shop
// aborts every older open claim (writes of one shop are serialised by the shop workflow, so an older open
// claim belongs to a dead or zombie attempt), and a reader aborts claims open longer than STALE_CLAIM_MS,
// so nothing waits for it forever. Its writes that landed before the abort are read normally (seq n is
// below the watermark now). A zombie that is still running loses the race for `end` (duplicate key) and
// then re-stamps its records with a fresh claim (`restamp`), so what it wrote after a reader passed n
// reappears above the reader's cursor. What remains: a zombie that writes after the abort and dies before
// its re-stamp leaves that write below readers that passed n; the record's next change brings it back.
// Aborted claims are kept (a later `end` from their zombie must keep losing); committed ones older than an
// hour are pruned, except the highest, which the next claim counts from.
import type { Models } from './models/index.js';

export const STALE_CLAIM_MS = 5 * 60_000;
const PRUNE_AFTER_MS = 60 * 60_000;
const PRUNE_EVERY = 20;
const DUPLICATE_KEY = 11000;

interface ClaimDoc {
  seq: number;
  kind: 'claim' | 'end';
  aborted?: boolean | null;
  at: Date;
}

export function createChangeSequence(models: Pick<Models, 'RecordChangeClaim' | 'SyncedRecord'>) {
  const { RecordChangeClaim, SyncedRecord } = models;
  /**
   * Per shop, the number this instance claimed and then committed itself, when that claim's read saw no other
   * open claim. The next claim tries n + 1 without reading the claims first (one statement instead of two per
   * write batch): claims take the highest + 1, so any claim made since (a zombie's, another process's) holds
   * n + 1 itself and the insert fails as a duplicate, which falls back to the full read. An older open claim
   * cannot exist: the claim of n aborted every one it read, and one made meanwhile would have collided with n.
   */
  const committedAlone = new Map<string, number>();

  async function claims(shopToken: string): Promise<ClaimDoc[]> {
    return RecordChangeClaim.find({ shopToken }, { _id: 0, seq: 1, kind: 1, aborted: 1, at: 1 }).lean<ClaimDoc[]>();
  }

  function openClaims(docs: ClaimDoc[]): ClaimDoc[] {
    const ended = new Set(docs.filter((d) => d.kind === 'end').map((d) => d.seq));
    return docs.filter((d) => d.kind === 'claim' && !ended.has(d.seq));
  }

  /** Takes the shop's next sequence number; aborts older claims left open by dead or zombie writers. */
  async function claim(shopToken: string, now: Date): Promise<number> {
    const known = committedAlone.get(shopToken);
    committedAlone.delete(shopToken);
    if (known !== undefined && (known + 1) % PRUNE_EVERY !== 0) {
      try {
        await RecordChangeClaim.create({ shopToken, seq: known + 1, kind: 'claim', at: now });
        return known + 1;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // someone claimed since: read them all
      }
    }
    for (let attempt = 0; ; attempt++) {
      const docs = await claims(shopToken);
      const seq = Math.max(0, ...docs.filter((d) => d.kind === 'claim').map((d) => d.seq)) + 1;
      try {
        await RecordChangeClaim.create({ shopToken, seq, kind: 'claim', at: now });
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= 50) throw error;
        continue; // another writer took it (only an overlapping zombie attempt can): count again
      }
      for (const open of openClaims(docs)) await resolve(shopToken, open.seq, true, now);
      if (seq % PRUNE_EVERY === 0) await prune(shopToken, docs, seq, now);
      return seq;
    }
  }

  /** Inserts the claim's resolution; false when it was resolved before (by an abort). */
  async function resolve(shopToken: string, seq: number, aborted: boolean, now: Date): Promise<boolean> {
    try {
      await RecordChangeClaim.create({ shopToken, seq, kind: 'end', aborted, at: now });
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  /**
   * Ends a batch's claim. When it was aborted meanwhile (its writer looked dead), the records still stamped
   * with it are moved to a fresh claim, so a reader that passed the aborted number sees them again.
   */
  async function commit(shopToken: string, seq: number, now: Date): Promise<void> {
    let current = seq;
    for (;;) {
      if (await resolve(shopToken, current, false, now)) {
        committedAlone.set(shopToken, current);
        return;
      }
      const next = await claim(shopToken, now);
      await SyncedRecord.updateMany({ shopToken, seq: current, firstSeq: current }, { $set: { seq: next, firstSeq: next } });
      await SyncedRecord.updateMany({ shopToken, seq: current }, { $set: { seq: next } });
      current = next;
    }
  }

  /**
   * The highest sequence number a reader may read up to: every write stamped at or below it has landed, and
   * none can land later (see the rules above). Aborts claims open for longer than STALE_CLAIM_MS.
   */
  async function watermark(shopToken: string, now = new Date()): Promise<number> {
    const docs = await claims(shopToken);
    let open = openClaims(docs);
    const stale = open.filter((d) => now.getTime() - new Date(d.at).getTime() > STALE_CLAIM_MS);
    for (const d of stale) await resolve(shopToken, d.seq, true, now);
    if (stale.length) open = openClaims(await claims(shopToken));
    const highest = Math.max(0, ...docs.filter((d) => d.kind === 'claim').map((d) => d.seq));
    return open.length ? Math.min(...open.map((d) => d.seq)) - 1 : highest;
  }

  async function prune(shopToken: string, docs: ClaimDoc[], below: number, now: Date): Promise<void> {
    const committedOld = docs
      .filter((d) => d.kind === 'end' && !d.aborted && d.seq < below - 1 && now.getTime() - new Date(d.at).getTime() > PRUNE_AFTER_MS)
      .map((d) => d.seq);
    if (!committedOld.length) return;
    // Claims first: an `end` without its claim means nothing, a claim without its `end` would look open.
    await RecordChangeClaim.deleteMany({ shopToken, kind: 'claim', seq: { $in: committedOld } });
    await RecordChangeClaim.deleteMany({ shopToken, kind: 'end', seq: { $in: committedOld } });
  }

  /**
   * One write batch: claims a number on first use (a batch that writes nothing takes none, so a rewrite of
   * identical data is no change), and `finish` commits it after the batch's writes returned.
   */
  function batch(shopToken: string, now: Date) {
    let claimed: Promise<number> | undefined;
    return {
      seq: () => (claimed ??= claim(shopToken, now)),
      finish: async () => {
        if (claimed) await commit(shopToken, await claimed, now);
      },
    };
  }

  return { batch, watermark, claim, commit };
}
export type ChangeSequence = ReturnType<typeof createChangeSequence>;
export type ChangeBatch = ReturnType<ChangeSequence['batch']>;

function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: number };
  return e?.code === DUPLICATE_KEY;
}
