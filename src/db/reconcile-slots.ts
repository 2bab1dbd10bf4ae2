// Reconciliation slots claimed in MongoDB (issue 18.4): each shop gets the lowest free position of the
// spreading order (src/shops/reconcile-slot-order.ts) at install and gives it back at uninstall, so the daily
// reconciliations stay even at any fleet size, not only where a hash happens to be even.
//
// Atomic without transactions: a position is claimed by inserting its document (unique `_id`), a shop by its
// unique `shopToken`; whoever loses a race tries the next candidate. The candidates come from two tiny
// collections (freed positions, lowest first; then the next never-used position), so a claim reads no large
// collection: FerretDB answers counts and sorted reads by scanning. Both are hints only: a stale counter or a
// freed position someone else took just costs one more insert attempt.
import type { Connection } from 'mongoose';
import { registerReconcileSlotModels } from './models/reconcile-slot.js';
import { slotFraction } from '../shops/reconcile-slot-order.js';
import { perConnection } from './per-connection.js';

export interface ReconcileSlot {
  position: number;
  /** Fraction of the reconciliation period at which this shop reconciles. */
  fraction: number;
}

export interface ReconcileSlots {
  /** The shop's slot: the one it holds already, else the lowest free position. */
  claim(shopToken: string): Promise<ReconcileSlot>;
  /** Frees the shop's position for the next install (idempotent). */
  release(shopToken: string): Promise<void>;
}

const DUPLICATE_KEY = 11000;
/** Enough for this many installs racing for the same position at once. */
const MAX_ATTEMPTS = 200;
const NEXT = 'next';

const slotOf = (position: number): ReconcileSlot => ({ position, fraction: slotFraction(position) });
const isDuplicate = (error: unknown) => (error as { code?: number }).code === DUPLICATE_KEY;

/** One store per connection, so the claims of a process queue up behind each other (see `serially`). */
export const reconcileSlots: (connection: Connection) => ReconcileSlots = perConnection(createStore);

function createStore(connection: Connection): ReconcileSlots {
  const { slots, freed, counter } = registerReconcileSlotModels(connection);
  // Claims of one process run one at a time: racing claims all probe the same next position, and on
  // FerretDB such a convoy was measured to take hundreds of attempts. Across processes (several workers)
  // the unique indexes still decide, and races there are as rare as simultaneous installs.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };
  // The unique indexes must exist before the first claim, or racing duplicates could both insert.
  let ready: Promise<unknown> | undefined;
  const init = () => (ready ??= Promise.all([slots.init(), freed.init(), counter.init()]));

  return {
    claim: (shopToken) => serially(() => claim(shopToken)),
    release: (shopToken) => serially(() => release(shopToken)),
  };

  async function claim(shopToken: string): Promise<ReconcileSlot> {
    await init();
    let probe: number | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const hole = probe === undefined ? await freed.findOne({}, { _id: 1 }).sort({ _id: 1 }).lean() : null;
      const position = hole?._id ?? probe ?? (await counter.findById(NEXT).lean())?.value ?? 0;
      try {
        await slots.create({ _id: position, shopToken, claimedAt: new Date() });
      } catch (error) {
        if (!isDuplicate(error)) throw error;
        // The shop already holds a slot (a duplicate install callback), or another install took the position.
        const held = await slots.findOne({ shopToken }, { _id: 1 }).lean();
        if (held) return slotOf(held._id);
        if (hole) await freed.deleteOne({ _id: position });
        else probe = position + 1;
        continue;
      }
      if (hole) await freed.deleteOne({ _id: position });
      else await counter.updateOne({ _id: NEXT }, { $max: { value: position + 1 } }, { upsert: true }).catch(ignoreDuplicate);
      return slotOf(position);
    }
    throw new Error(`no reconcile slot for ${shopToken} after ${MAX_ATTEMPTS} attempts`);
  }

  async function release(shopToken: string): Promise<void> {
    await init();
    const held = await slots.findOne({ shopToken }, { _id: 1 }).lean();
    if (!held) return;
    // Freed first, deleted second: a crash in between leaves a freed entry whose insert attempt fails once
    // (the slot still exists), never a position that is lost for good.
    await freed.create({ _id: held._id }).catch(ignoreDuplicate);
    await slots.deleteOne({ _id: held._id, shopToken });
  }
}

function ignoreDuplicate(error: unknown): void {
  if (!isDuplicate(error)) throw error;
}
