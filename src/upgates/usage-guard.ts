// Refuses OPTIONAL calls (reconciliation, "sync now") before they push a shop past what the add-on declared
// in the Marketplace or towards Upgates' 60,000 calls/day monitor, whose alert can end in the add-on being
// suspended on every shop. Mandatory calls (webhook-driven fetches, write-backs the merchant asked for) are
// never refused here: skipping them would lose data; they are still counted.
import { UsageBudgetExceededError } from './errors.js';
import type { Access } from './resources.js';
import { utcDay, type UsageLedger } from './usage-ledger.js';
import { upgatesOptionalCallsRefused } from '../metrics/upgates.js';

/** Upgates' automatic control watches verified add-ons at the biggest tariff with all packages. */
export const UPGATES_DAILY_MONITOR = 60_000;
/** Optional calls stop at this share of the monitor, leaving room for the mandatory traffic of the day. */
export const OPTIONAL_CALLS_MONITOR_SHARE = 0.8;

export interface OptionalCallCheck {
  /** The declared daily frequency of this access; undefined means the access is not declared at all. */
  declaredCallsPerDay: number | undefined;
  /** Calls the caller is about to make (default 1). */
  plannedCalls?: number;
  at?: Date;
}

export interface UsageGuardOptions {
  dailyMonitor?: number;
  optionalShare?: number;
}

export class UsageGuard {
  private readonly optionalCeiling: number;

  constructor(
    private readonly ledger: Pick<UsageLedger, 'getUsage'>,
    options: UsageGuardOptions = {},
  ) {
    this.optionalCeiling = Math.floor(
      (options.dailyMonitor ?? UPGATES_DAILY_MONITOR) * (options.optionalShare ?? OPTIONAL_CALLS_MONITOR_SHARE),
    );
  }

  /** Resolves when the optional call may go; throws UsageBudgetExceededError otherwise. */
  async checkOptionalCall(
    shopToken: string,
    access: Access,
    { declaredCallsPerDay, plannedCalls = 1, at }: OptionalCallCheck,
  ): Promise<void> {
    const usage = await this.ledger.getUsage(shopToken, utcDay(at));
    const used = usage.counts[access] ?? 0;
    if (declaredCallsPerDay === undefined) this.refuse(access, 'undeclared-access', used, 0);
    if (used + plannedCalls > declaredCallsPerDay) this.refuse(access, 'declared-frequency', used, declaredCallsPerDay);
    if (usage.total + plannedCalls > this.optionalCeiling) this.refuse(access, 'daily-monitor', usage.total, this.optionalCeiling);
  }

  private refuse(access: Access, reason: UsageBudgetExceededError['reason'], used: number, limit: number): never {
    upgatesOptionalCallsRefused.inc({ access, reason });
    throw new UsageBudgetExceededError(access, reason, used, limit);
  }
}
